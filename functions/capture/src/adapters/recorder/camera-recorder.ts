import { redactUrls } from '../../../../shared/src/redact';
import { respawnDelayMs } from '../../core/respawn';
import { JUMP_GAP_SECONDS, stallLimitMs, streamGapSeconds } from '../../core/stall';
import type { ListedSegment } from '../segment-tail';
import { checkMp4File } from '../mp4-file';
import fs from 'node:fs/promises';
import path from 'node:path';
import { within } from '../../../../shared/src/async';
import { computeBackoffMs, sleep } from '../../../../shared/src/cloudevents';
import { toError } from '../../../../shared/src/errors';
import { buildRecorderCommand, modelFps } from '../../core/recorder-args';
import { pairingTolerance } from '../../core/model-pairing';
import { spawnRecorder, type RecorderExit, type RecorderProcess } from '../ffmpeg';
import { ListedSequence } from '../model-segments';
import { LiveModelPairer } from '../model-pairer';
import { SegmentTail } from '../segment-tail';
import { ClipPlacer } from './clip-placer';
import { recoverStaging } from './staging-recovery';
import { closeRunSalvaging } from './open-segment';
import { cameraStagingDir, LIST_FILE, MODEL_LIST_FILE, THUMBS_LIST_FILE, ZONES_FILE } from './staging-run';
import type { CameraRecorderOptions, RecorderState, RecorderStatus, StagedModel } from './types';

/**
 * Records one camera: ffmpeg segmenter into `CLIPS_DIR/.staging/<camera>/<run>/`, a clip is
 * finished only when its CSV line appears, then placed into `CLIPS_DIR/<camera>/<stamp>.mp4`
 * and handed to `onClip` (clip-placer.ts). A dead ffmpeg is respawned with capped backoff (RTSP
 * has no reconnect); leftovers of earlier runs are recovered (staging-recovery.ts).
 */
export class CameraRecorder {
  private state: RecorderState = 'starting';
  private stopping = false;
  private readonly abort = new AbortController();
  private readonly placer: ClipPlacer;
  private proc: RecorderProcess | undefined;
  private loop: Promise<void> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private runs = 0;
  private lastExit: string | undefined;
  private recovering: Promise<void> = Promise.resolve();
  /** The run folder the live ffmpeg writes into: recovery must never touch it. */
  private currentRunDir: string | undefined;
  /** Why the live ffmpeg is being restarted by us (stall watchdog, timestamp jump), if it is. */
  private restarting: 'stall' | 'jump' | undefined;

  constructor(private readonly opts: CameraRecorderOptions) {
    this.placer = new ClipPlacer(opts);
  }

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
    const { cameraId } = this.opts;
    return { cameraId, state: this.state, runs: this.runs, clips: this.placer.clips, lastExit: this.lastExit };
  }

  /** Recovers this camera's other run folders (see recoverStaging); serialised with the run loop's own pass. */
  recover(currentRunDir?: string): Promise<void> {
    // the run loop and the periodic pass must not finish the same folder twice
    this.recovering = this.recovering
      .then(() => recoverStaging(this.opts, this.placer, currentRunDir ?? this.currentRunDir))
      .catch((err) => {
        this.opts.logger.warn({ cameraId: this.opts.cameraId, err: toError(err).message }, 'staging recovery failed');
      });
    return this.recovering;
  }

  private async run(): Promise<void> {
    const { logger, cameraId } = this.opts;
    let failures = 0;
    /** When a run last placed a clip: a camera that was recording gets fast retries (core/respawn.ts). */
    let lastClipAt: number | undefined;
    while (!this.stopping) {
      const runDir = path.join(cameraStagingDir(this.opts), `${this.opts.replicaId}-${Date.now()}`);
      this.currentRunDir = runDir;
      await fs.mkdir(runDir, { recursive: true });
      await this.recover(runDir);
      if (this.stopping) {
        await fs.rm(runDir, { recursive: true, force: true });
        break;
      }
      const clipsBefore = this.placer.clips;
      // coverage: a hole before this recorder's first clip is capture's doing (start, restart, zone change)
      if (this.runs === 0) this.opts.markGap?.('recorder-restart', Date.now());
      const exit = await this.runOnce(runDir);
      // …one after a run that ended by itself (or by the watchdog) is the camera's; a signal we did
      // not send reached ffmpeg with its process group (Ctrl-C, a group kill): capture is stopping
      const signalled = /received signal (2|15)\b/.test(exit.message + exit.stderrTail.join('\n'));
      const byCapture = !this.restarting && (this.stopping || signalled);
      this.opts.markGap?.(byCapture ? 'recorder-restart' : 'camera-offline', Date.now());
      // ffmpeg names the input URL, password included, in its errors: redacted before anything keeps it (issue #26.2)
      this.lastExit = redactUrls(exit.message);
      if (this.stopping) break;
      this.opts.metrics.reconnects.inc({ camera: cameraId });
      if (this.placer.clips > clipsBefore) lastClipAt = Date.now();
      failures = this.placer.clips > clipsBefore ? 0 : failures + 1;
      const delay = respawnDelayMs({
        failures,
        lastClipAt,
        now: Date.now(),
        capMs: this.opts.respawnMaxMs,
        backoffMs: (n, capMs) => computeBackoffMs(n, { capMs }),
      });
      const cause = this.restarting ?? 'exit';
      this.restarting = undefined;
      logger.warn(
        { cameraId, cause, exit: this.lastExit, stderr: exit.stderrTail.slice(-3).map(redactUrls), respawnInMs: delay },
        'recorder ffmpeg ended; respawning',
      );
      this.state = 'backoff';
      await sleep(delay, this.abort.signal).catch(() => undefined);
    }
    this.state = 'stopped';
  }

  /** One ffmpeg run: spawn, hand over each segment as its CSV line appears, then close the run folder. */
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
        ? new LiveModelPairer(runDir, models.clips, models.thumbs, pairingTolerance(modelFps(o.model)), waitMs)
        : undefined;
    let lastListedAt = Date.now();
    const tail = new SegmentTail(listFile, (entries, bad) => {
      lastListedAt = Date.now();
      if (bad.length > 0) o.logger.warn({ cameraId: o.cameraId, bad }, 'unparsable segment-list lines');
      for (const listedEntry of entries) {
        const n = listed++;
        this.chain = this.chain.then(async () => {
          const e = await this.mediaWindow(runDir, listedEntry, n);
          const pairing = await pairer?.pair(n, e);
          // inference makes the model clip itself then (slower, and costs its CPU): worth a warning
          // (not for a run's first segment, whose window often starts before the first keyframe)
          if (pairing && 'missed' in pairing && n > 0)
            o.logger.warn(
              { cameraId: o.cameraId, segment: n, file: path.basename(e.file), reason: pairing.missed },
              'segment without a capture-made model clip',
            );
          const model: StagedModel | undefined =
            pairing && 'model' in pairing ? { ...pairing.model, zonesHash: zones?.zonesHash } : undefined;
          const live = runDir === this.currentRunDir;
          failures += (await this.placer.finish(runDir, e, model, live)) ? 0 : 1;
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
    // the stall watchdog: ffmpeg does not exit while a stalled camera keeps its session open
    const limitMs = stallLimitMs(o.segmentSeconds, o.timeoutSeconds);
    const watchdog = setInterval(
      () => {
        const silentMs = Date.now() - lastListedAt;
        if (silentMs > limitMs) this.restart('stall', { silentMs, limitMs });
      },
      Math.min(1000, limitMs / 4),
    );
    watchdog.unref();
    const exit = await this.proc.exited.finally(() => clearInterval(watchdog));
    this.proc = undefined;
    await tail.close();
    await models?.clips.close();
    await models?.thumbs.close();
    await this.chain;
    await closeRunSalvaging(o, this.placer, runDir, failures);
    return exit;
  }

  /**
   * Restarts the live ffmpeg (SIGINT: the open segment is finalised and listed); the run loop then
   * respawns it at once as a camera that was recording (core/respawn.ts).
   */
  private restart(cause: 'stall' | 'jump', detail: Record<string, unknown>): void {
    if (!this.proc || this.restarting || this.stopping) return;
    this.restarting = cause;
    this.opts.logger.warn(
      { cameraId: this.opts.cameraId, cause, ...detail },
      cause === 'stall'
        ? 'no segment listed for 2 × SEGMENT_SECONDS + RTSP timeout: restarting the recorder'
        : "the stream's clock jumped: restarting the recorder before the segmenter bursts",
    );
    this.opts.metrics.recorderRestarts.inc({ camera: this.opts.cameraId, cause });
    void this.proc.stop(5000);
  }

  /**
   * The segment's window as its media fills it (its wall-clock start is `listedAt` minus its length,
   * core/segment-list.ts). A run's first segment is listed from 0 although its first packet may come
   * later (RTCP sync: the first clip of a run was listed 5.6–7.6 s for 5 s of media,
   * camera-compat.md): its media ends at the cut, so it is shortened at the START. A later segment
   * longer than its media has a gap at its END (the stream paused and its clock jumped, core/stall.ts):
   * the recorder restarts before the segmenter bursts, and the clip keeps its start and its media.
   */
  private async mediaWindow(runDir: string, e: ListedSegment, n: number): Promise<ListedSegment> {
    const media = await checkMp4File(path.join(runDir, path.basename(e.file))).catch(() => undefined);
    if (!media?.ok) return e;
    const gap = streamGapSeconds(e, media.durationMs);
    if (gap <= 0) return e;
    if (n === 0) return { ...e, start: e.end - media.durationMs / 1000 };
    if (gap <= JUMP_GAP_SECONDS) return e;
    this.restart('jump', { gapSeconds: Number(gap.toFixed(2)), file: path.basename(e.file) });
    return { ...e, end: e.start + media.durationMs / 1000, listedAt: e.listedAt - gap * 1000 };
  }
}
