import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { clipStamp } from '../../../shared/src/clip-job';
import { redactUrls } from '../../../shared/src/redact';
import { computeBackoffMs, sleep } from '../../../shared/src/cloudevents';
import { isUnrecoverable, toError } from '../../../shared/src/errors';
import type { ClipRecorded } from '../../../shared/src/events';
import type { ClipSource } from '../../../shared/src/clip-job';
import { buildRecorderCommand, modelFps, type RtspTransport } from '../core/recorder-args';
import { within } from '../../../shared/src/async';
import { segmentStart, splitSegmentChunk } from '../core/segment-list';
import type { CaptureMetrics } from './metrics';
import { spawnRecorder, type RecorderExit, type RecorderProcess } from './ffmpeg';
import { quarantine, STAGING_DIR } from './quarantine';
import { SegmentTail, type ListedSegment } from './segment-tail';
import { ListedSequence, readListed } from './model-segments';
import { firstDecodedTime, LiveModelPairer, pairRecovered } from './model-pairer';
import { pairingTolerance } from '../core/model-pairing';
import { modelClipPaths } from '../../../shared/src/model-clip';

export interface CameraRecorderOptions {
  cameraId: string;
  url: string;
  clipsDir: string;
  transport: RtspTransport;
  timeoutSeconds: number;
  segmentSeconds: number;
  respawnMaxMs: number;
  ffmpegPath: string;
  /** Finds each run's first decoded frame (model-clip pairing); default `ffprobe`. */
  ffprobePath?: string | undefined;
  /** Names this replica's run folders, so a takeover can tell its own runs from a dead replica's. */
  replicaId: string;
  logger: Logger;
  metrics: CaptureMetrics;
  /** Takes a finished clip that is already in `CLIPS_DIR/<camera>/` (validate, enqueue …); `from` is in-process only. */
  onClip: (data: ClipRecorded, from: ClipSource) => Promise<unknown>;
  /** MODEL_CLIP=on: the same ffmpeg also writes the model clip and thumbnails (issue #13). */
  model?: RecorderModelOptions | undefined;
}

export interface RecorderModelOptions {
  sampling: 'fps' | 'keyframes';
  fps: number;
  maxSide: number;
  /** The camera's zones at spawn time (overlay PNG in CLIPS_DIR/.zones and its hash); read per run. */
  zones?: () => Promise<{ overlayFile: string; zonesHash: string } | undefined>;
}

/** The model files of one segment, still in staging. */
interface StagedModel {
  clip: string;
  thumbs?: string | undefined;
  zonesHash?: string | undefined;
}

export type RecorderState = 'starting' | 'recording' | 'backoff' | 'stopped';

export interface RecorderStatus {
  cameraId: string;
  state: RecorderState;
  runs: number;
  clips: number;
  lastExit?: string | undefined;
}

const LIST_FILE = 'list.csv';
const MODEL_LIST_FILE = 'model.csv';
const THUMBS_LIST_FILE = 'thumbs.csv';
const ZONES_FILE = 'zones.txt';
/**
 * Beside the segment list: one staged file name per line, appended once its clip was handed
 * over. Recovery skips these, so a run kept for a retry is not re-announced whole when Redis
 * came back empty and its dedup keys are gone (issue #18.6).
 */
export const ANNOUNCED_FILE = 'announced.txt';

/**
 * Records one camera: ffmpeg segmenter into `CLIPS_DIR/.staging/<camera>/<run>/`, a clip is
 * finished only when its CSV line appears, then renamed into `CLIPS_DIR/<camera>/<stamp>.mp4`
 * and handed to `onClip`. A dead ffmpeg is respawned with capped backoff (RTSP has no reconnect).
 */
export class CameraRecorder {
  private state: RecorderState = 'starting';
  private stopping = false;
  private readonly abort = new AbortController();
  private proc: RecorderProcess | undefined;
  private loop: Promise<void> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private runs = 0;
  private clips = 0;
  private lastExit: string | undefined;
  private lastStampMs = 0;
  private recovering: Promise<void> = Promise.resolve();
  /** The run folder the live ffmpeg writes into: recovery must never touch it. */
  private currentRunDir: string | undefined;

  constructor(private readonly opts: CameraRecorderOptions) {}

  get cameraId(): string {
    return this.opts.cameraId;
  }

  start(): void {
    this.loop ??= this.supervise();
  }

  /** Runs the record loop; if it ever crashes (a file-system error), restarts it after a backoff. */
  private async supervise(): Promise<void> {
    for (let crashes = 0; !this.stopping; crashes++) {
      try {
        await this.run();
        return;
      } catch (err) {
        const delay = computeBackoffMs(crashes, { capMs: this.opts.respawnMaxMs });
        this.opts.logger.error(
          { cameraId: this.opts.cameraId, err: toError(err).message, restartInMs: delay },
          'recorder loop crashed; restarting it',
        );
        this.opts.metrics.reconnects.inc({ camera: this.opts.cameraId });
        this.state = 'backoff';
        await sleep(delay, this.abort.signal).catch(() => undefined);
      }
    }
    this.state = 'stopped';
  }

  /**
   * SIGINT to ffmpeg (finalises the open clip), then waits up to `drainMs` until every listed
   * clip was handed over. If Redis is down that wait could be endless: what is left stays
   * listed in staging, and the next start's recovery enqueues it.
   */
  async stop(drainMs = 15_000): Promise<void> {
    this.stopping = true;
    this.abort.abort(new Error('stopping'));
    await this.proc?.stop();
    const drained = await within(this.loop?.then(() => true) ?? Promise.resolve(true), drainMs, false);
    if (!drained)
      this.opts.logger.error(
        { cameraId: this.opts.cameraId },
        'clips not handed over in time (Redis down?): left in staging for the next start',
      );
    this.state = 'stopped';
  }

  status(): RecorderStatus {
    return {
      cameraId: this.opts.cameraId,
      state: this.state,
      runs: this.runs,
      clips: this.clips,
      lastExit: this.lastExit,
    };
  }

  private cameraStaging(): string {
    return path.join(this.opts.clipsDir, STAGING_DIR, this.opts.cameraId);
  }

  private async run(): Promise<void> {
    const { logger, cameraId } = this.opts;
    let failures = 0;
    while (!this.stopping) {
      const runDir = path.join(this.cameraStaging(), `${this.opts.replicaId}-${Date.now()}`);
      this.currentRunDir = runDir;
      await fs.mkdir(runDir, { recursive: true });
      await this.recover(runDir);
      if (this.stopping) {
        await fs.rm(runDir, { recursive: true, force: true });
        break;
      }
      const clipsBefore = this.clips;
      const exit = await this.runOnce(runDir);
      // ffmpeg names the input URL, password included, in its errors: redacted before anything keeps it (issue #26.2)
      this.lastExit = redactUrls(exit.message);
      if (this.stopping) break;
      this.opts.metrics.reconnects.inc({ camera: cameraId });
      failures = this.clips > clipsBefore ? 0 : failures + 1;
      const delay = computeBackoffMs(failures, { capMs: this.opts.respawnMaxMs });
      logger.warn(
        { cameraId, exit: this.lastExit, stderr: exit.stderrTail.slice(-3).map(redactUrls), respawnInMs: delay },
        'recorder ffmpeg ended; respawning',
      );
      this.state = 'backoff';
      await sleep(delay, this.abort.signal).catch(() => undefined);
    }
    this.state = 'stopped';
  }

  private async runOnce(runDir: string): Promise<RecorderExit> {
    const o = this.opts;
    const listFile = path.join(runDir, LIST_FILE);
    let failures = 0;
    let listed = 0;
    const zones = o.model ? await o.model.zones?.() : undefined;
    // recovery after a crash must know which zones this run drew into its model clips
    if (zones) await fs.writeFile(path.join(runDir, ZONES_FILE), zones.zonesHash);
    const models = o.model
      ? {
          clips: new ListedSequence(path.join(runDir, MODEL_LIST_FILE)),
          thumbs: new ListedSequence(path.join(runDir, THUMBS_LIST_FILE)),
        }
      : undefined;
    // the model output lists its segment a moment after the evidence (encoder delay); a segment
    // later than this is given up on (the evidence is announced without it)
    const waitMs = (o.segmentSeconds + o.timeoutSeconds) * 1000;
    const pairer =
      models && o.model
        ? new LiveModelPairer(
            runDir,
            models.clips,
            models.thumbs,
            pairingTolerance(modelFps(o.model)),
            waitMs,
            o.ffprobePath ?? 'ffprobe',
          )
        : undefined;
    const tail = new SegmentTail(listFile, (entries, bad) => {
      if (bad.length > 0) o.logger.warn({ cameraId: o.cameraId, bad }, 'unparsable segment-list lines');
      for (const e of entries) {
        const n = listed++;
        this.chain = this.chain.then(async () => {
          const paired = await pairer?.pair(n, e);
          const model: StagedModel | undefined = paired && { ...paired, zonesHash: zones?.zonesHash };
          failures += (await this.finish(runDir, e, model)) ? 0 : 1;
        });
      }
    });
    tail.start();
    models?.clips.start();
    models?.thumbs.start();
    this.runs++;
    this.proc = spawnRecorder(
      buildRecorderCommand({
        url: o.url,
        transport: o.transport,
        timeoutSeconds: o.timeoutSeconds,
        segmentSeconds: o.segmentSeconds,
        listFile,
        runDir,
        model: o.model && {
          sampling: o.model.sampling,
          fps: o.model.fps,
          maxSide: o.model.maxSide,
          overlayFile: zones?.overlayFile,
          modelListFile: path.join(runDir, MODEL_LIST_FILE),
          thumbsListFile: path.join(runDir, THUMBS_LIST_FILE),
        },
      }),
      o.ffmpegPath,
    );
    this.state = 'recording';
    const exit = await this.proc.exited;
    this.proc = undefined;
    await tail.close();
    await models?.clips.close();
    await models?.thumbs.close();
    await this.chain;
    await this.closeRun(runDir, failures);
    return exit;
  }

  /**
   * Moves a listed segment into CLIPS_DIR under its UTC start stamp and hands it over.
   * @returns false when it failed in a way worth retrying (keep the run's CSV for recovery)
   */
  private async finish(runDir: string, seg: ListedSegment, model?: StagedModel): Promise<boolean> {
    const o = this.opts;
    const file = path.basename(seg.file);
    const staged = path.join(runDir, file);
    const start = segmentStart(file) ?? new Date(seg.listedAt - (seg.end - seg.start) * 1000);
    try {
      const placed = await this.place(staged, start);
      const announced = model ? await this.placeModel(runDir, placed.rel, model) : undefined;
      await this.handOver(placed.rel, seg, placed.startedAt, runDir === this.currentRunDir, announced);
      await this.markAnnounced(runDir, file);
      return true;
    } catch (err) {
      // unrecoverable = rejected and quarantined by the intake: done with it
      o.logger[isUnrecoverable(err) ? 'warn' : 'error'](
        { cameraId: o.cameraId, file, err: toError(err).message },
        'clip not taken',
      );
      return isUnrecoverable(err);
    }
  }

  /** `live`: a segment of the run ffmpeg is writing now; only those count for camera liveness (issue #18.6). */
  private async handOver(
    rel: string,
    seg: ListedSegment,
    startedAt: Date,
    live: boolean,
    model?: ClipRecorded['model'],
  ): Promise<void> {
    this.clips++;
    await this.opts.onClip(
      {
        cameraId: this.opts.cameraId,
        path: rel,
        startedAt: startedAt.toISOString(),
        durationMs: Math.round((seg.end - seg.start) * 1000),
        endedAt: new Date(seg.listedAt).toISOString(),
        ...(model ? { model } : {}),
      },
      { origin: 'recorder', live },
    );
  }

  /**
   * rename() the segment's model clip (and thumbnails) beside the placed evidence clip, under
   * `<cam>/.model/<stamp>` (modelClipPaths). Any failure only costs the model clip: the
   * evidence is announced without `model` (inference then makes one itself).
   */
  private async placeModel(runDir: string, rel: string, model: StagedModel): Promise<ClipRecorded['model']> {
    const m = this.opts.model;
    if (!m) return undefined;
    const dest = modelClipPaths(rel);
    try {
      await fs.mkdir(path.dirname(path.join(this.opts.clipsDir, dest.clip)), { recursive: true });
      await fs.rename(path.join(runDir, model.clip), path.join(this.opts.clipsDir, dest.clip));
      const thumbs = model.thumbs
        ? await fs.rename(path.join(runDir, model.thumbs), path.join(this.opts.clipsDir, dest.thumbs)).then(
            () => dest.thumbs,
            () => undefined,
          )
        : undefined;
      return {
        path: dest.clip,
        sampling: m.sampling,
        fps: m.sampling === 'keyframes' ? 1 : m.fps,
        maxSide: m.maxSide,
        ...(model.zonesHash ? { zonesHash: model.zonesHash } : {}),
        ...(thumbs ? { thumbs } : {}),
      };
    } catch (err) {
      this.opts.logger.warn(
        { cameraId: this.opts.cameraId, rel, err: toError(err).message },
        'model clip not placed: the clip goes on without it',
      );
      return undefined;
    }
  }

  /** Remembers a handed-over segment beside the list; best effort (a full disk only costs a duplicate later). */
  private async markAnnounced(runDir: string, file: string): Promise<void> {
    await fs.appendFile(path.join(runDir, ANNOUNCED_FILE), `${file}\n`).catch((err: unknown) => {
      this.opts.logger.warn(
        { cameraId: this.opts.cameraId, file, err: toError(err).message },
        'could not note the clip as announced (it may be announced again by a recovery)',
      );
    });
  }

  /** rename() into `<camera>/<stamp>.mp4`; stamps stay unique per camera (a second is bumped if taken). */
  private async place(staged: string, start: Date): Promise<{ rel: string; startedAt: Date }> {
    const dir = path.join(this.opts.clipsDir, this.opts.cameraId);
    await fs.mkdir(dir, { recursive: true });
    let ms = Math.max(Math.floor(start.getTime() / 1000) * 1000, this.lastStampMs + 1000);
    for (;;) {
      const rel = path.join(this.opts.cameraId, `${clipStamp(new Date(ms))}.mp4`);
      const taken = await fs.access(path.join(this.opts.clipsDir, rel)).then(
        () => true,
        () => false,
      );
      if (!taken) {
        await fs.rename(staged, path.join(this.opts.clipsDir, rel));
        this.lastStampMs = ms;
        return { rel, startedAt: new Date(ms) };
      }
      ms += 1000;
    }
  }

  /** After a run: anything never listed is a partial clip → quarantine; then drop the run folder. */
  private async closeRun(runDir: string, failures: number): Promise<void> {
    if (failures > 0) return; // keep the CSV: the next recovery re-enqueues (idempotent)
    await this.quarantineUnlisted(runDir, new Set());
    await fs.rm(runDir, { recursive: true, force: true });
  }

  private async quarantineUnlisted(runDir: string, keep: Set<string>): Promise<void> {
    for (const f of await fs.readdir(runDir)) {
      if (f === LIST_FILE || f === ANNOUNCED_FILE || keep.has(f)) continue;
      // derived files (model clip, thumbnails, their lists) are no evidence: dropped with the run
      if (
        f === MODEL_LIST_FILE ||
        f === THUMBS_LIST_FILE ||
        f === ZONES_FILE ||
        f.startsWith('model-') ||
        f.startsWith('thumbs-')
      )
        continue;
      const abs = path.join(runDir, f);
      await quarantine(this.opts.clipsDir, abs, {
        code: 'partial',
        reason: 'segment never listed by the segmenter (recorder stopped mid-clip)',
        from: path.relative(this.opts.clipsDir, abs),
        at: new Date().toISOString(),
        cameraId: this.opts.cameraId,
      });
      this.opts.metrics.rejected.inc({ reason: 'partial' });
    }
  }

  /**
   * Crash recovery for this camera's other run folders (ours from before a crash, or a dead
   * replica's): listed clips are finished (enqueue is idempotent), unlisted ones quarantined.
   * Folders touched recently may belong to a live ffmpeg and are left for a later pass.
   */
  recover(currentRunDir?: string): Promise<void> {
    // the run loop and the periodic pass must not finish the same folder twice
    this.recovering = this.recovering
      .then(() => this.recoverNow(currentRunDir ?? this.currentRunDir))
      .catch((err) => {
        this.opts.logger.warn({ cameraId: this.opts.cameraId, err: toError(err).message }, 'staging recovery failed');
      });
    return this.recovering;
  }

  private async recoverNow(currentRunDir?: string): Promise<void> {
    const graceMs = (this.opts.timeoutSeconds + 2 * this.opts.segmentSeconds) * 1000;
    const root = this.cameraStaging();
    const runs = await fs.readdir(root).catch(() => [] as string[]);
    for (const name of runs) {
      const runDir = path.join(root, name);
      if (runDir === currentRunDir) continue;
      const files = await fs.readdir(runDir).catch(() => undefined);
      if (!files) continue;
      const stats = await Promise.all(files.map((f) => fs.stat(path.join(runDir, f)).catch(() => undefined)));
      // the folder's own mtime too: a live ffmpeg may not have written its first file yet
      const dirStat = await fs.stat(runDir).catch(() => undefined);
      if ([dirStat, ...stats].some((s) => s && Date.now() - s.mtimeMs < graceMs)) continue;
      const listStat = stats[files.indexOf(LIST_FILE)];
      const text = await fs.readFile(path.join(runDir, LIST_FILE), 'utf8').catch(() => '');
      const { entries } = splitSegmentChunk('', text.endsWith('\n') ? text : `${text}\n`);
      const announcedText = await fs.readFile(path.join(runDir, ANNOUNCED_FILE), 'utf8').catch(() => '');
      const announced = new Set(announcedText.split('\n').filter((l) => l !== ''));
      let failures = 0;
      let skipped = 0;
      const modelList = await readListed(path.join(runDir, MODEL_LIST_FILE));
      const thumbList = await readListed(path.join(runDir, THUMBS_LIST_FILE));
      const first = entries[0] && path.basename(entries[0].file);
      const offset =
        this.opts.model && first && files.includes(first)
          ? await firstDecodedTime(path.join(runDir, first), this.opts.ffprobePath ?? 'ffprobe')
          : undefined;
      const pairs = this.opts.model
        ? pairRecovered(entries, modelList, offset, pairingTolerance(modelFps(this.opts.model)))
        : [];
      const zonesHash = (await fs.readFile(path.join(runDir, ZONES_FILE), 'utf8').catch(() => '')).trim() || undefined;
      for (const [n, e] of entries.entries()) {
        if (announced.has(path.basename(e.file))) {
          skipped++;
          continue;
        }
        const seg: ListedSegment = { ...e, listedAt: listStat?.mtimeMs ?? Date.now() };
        const file = path.basename(e.file);
        const start = segmentStart(file);
        const j = pairs[n];
        const clip = j === undefined ? undefined : modelList[j]?.file;
        const thumbs = j === undefined ? undefined : thumbList[j]?.file;
        const model: StagedModel | undefined =
          clip !== undefined && files.includes(clip)
            ? { clip, thumbs: thumbs !== undefined && files.includes(thumbs) ? thumbs : undefined, zonesHash }
            : undefined;
        if (files.includes(file)) failures += (await this.finish(runDir, seg, model)) ? 0 : 1;
        else if (start) failures += (await this.reannounce(runDir, seg, start)) ? 0 : 1;
      }
      this.opts.logger.info(
        { cameraId: this.opts.cameraId, run: name, listed: entries.length, alreadyAnnounced: skipped },
        'recovered a previous run’s staging folder',
      );
      await this.closeRun(runDir, failures);
    }
  }

  /** A listed clip already renamed before a crash: enqueue again (a no-op if it was). */
  private async reannounce(runDir: string, seg: ListedSegment, start: Date): Promise<boolean> {
    const rel = path.join(this.opts.cameraId, `${clipStamp(start)}.mp4`);
    const exists = await fs.access(path.join(this.opts.clipsDir, rel)).then(
      () => true,
      () => false,
    );
    if (!exists) return true; // already handled and deleted, or renamed under a bumped stamp
    try {
      await this.handOver(rel, seg, start, false);
      await this.markAnnounced(runDir, path.basename(seg.file));
      return true;
    } catch (err) {
      this.opts.logger.warn(
        { cameraId: this.opts.cameraId, rel, err: toError(err).message },
        'recovered clip not taken',
      );
      return isUnrecoverable(err);
    }
  }
}
