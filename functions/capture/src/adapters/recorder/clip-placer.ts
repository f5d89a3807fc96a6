import fs from 'node:fs/promises';
import path from 'node:path';
import { clipStamp, type ClipSource } from '../../../../shared/src/clip-job';
import { isUnrecoverable, toError } from '../../../../shared/src/errors';
import { fileExists } from '../../../../shared/src/file-exists';
import type { ClipRecorded } from '../../../../shared/src/events';
import { modelClipPaths } from '../../../../shared/src/model-clip';
import { segmentWallStartMs } from '../../core/segment-list';
import type { ListedSegment } from '../segment-tail';
import { markAnnounced } from './staging-run';
import type { RecorderModelOptions, StagedModel, StagingContext } from './types';

export interface ClipPlacerOptions extends StagingContext {
  onClip: (data: ClipRecorded, from: ClipSource) => Promise<unknown>;
  model?: RecorderModelOptions | undefined;
}

/** A placed clip: its file and the listed segment it was. */
export interface PlacedClip {
  abs: string;
  seg: ListedSegment;
}

/**
 * Moves a camera's finished segments out of staging into `CLIPS_DIR/<camera>/<stamp>.mp4`
 * (and their model clips under `<camera>/.model/`), then hands each over to `onClip`.
 * One per recorder: it keeps the camera's stamps unique and counts the clips handed over.
 */
export class ClipPlacer {
  /** Clips handed over (status). */
  clips = 0;
  private lastStampMs = 0;
  /** Each open run's last placed clip: the reference a killed recorder's open segment is rebuilt from (open-segment.ts). */
  private readonly lastOf = new Map<string, PlacedClip>();

  constructor(private readonly o: ClipPlacerOptions) {}

  /**
   * Moves a listed segment into CLIPS_DIR under its UTC start stamp and hands it over.
   * @param live a segment of the run ffmpeg is writing now; only those count for camera liveness (issue #18.6)
   * @returns false when it failed in a way worth retrying (keep the run's CSV for recovery)
   */
  async finish(runDir: string, seg: ListedSegment, model: StagedModel | undefined, live: boolean): Promise<boolean> {
    const file = path.basename(seg.file);
    const staged = path.join(runDir, file);
    const start = new Date(segmentWallStartMs(seg));
    try {
      const placed = await this.place(staged, start);
      this.lastOf.set(runDir, { abs: path.join(this.o.clipsDir, placed.rel), seg });
      const announced = model ? await this.placeModel(runDir, placed.rel, model) : undefined;
      // the clip's own start to the millisecond, not its whole-second (possibly bumped) stamp: coverage
      // is the union of judged windows, and a window moved by the stamp's rounding left sub-second holes
      await this.handOver(placed.rel, seg, start, live, announced);
      await markAnnounced(this.o, runDir, file);
      return true;
    } catch (err) {
      // unrecoverable = rejected and quarantined by the intake: done with it (a hole in coverage)
      if (isUnrecoverable(err)) this.o.markGap?.('clip-refused', start.getTime());
      this.o.logger[isUnrecoverable(err) ? 'warn' : 'error'](
        { cameraId: this.o.cameraId, file, err: toError(err).message },
        'clip not taken',
      );
      return isUnrecoverable(err);
    }
  }

  /** A listed clip already renamed before a crash: enqueue again (a no-op if it was). */
  async reannounce(runDir: string, seg: ListedSegment): Promise<boolean> {
    const start = new Date(segmentWallStartMs(seg));
    const rel = path.join(this.o.cameraId, `${clipStamp(start)}.mp4`);
    if (!(await fileExists(path.join(this.o.clipsDir, rel)))) return true; // already handled and deleted, or renamed under a bumped stamp
    this.lastOf.set(runDir, { abs: path.join(this.o.clipsDir, rel), seg });
    try {
      await this.handOver(rel, seg, start, false);
      await markAnnounced(this.o, runDir, path.basename(seg.file));
      return true;
    } catch (err) {
      this.o.logger.warn({ cameraId: this.o.cameraId, rel, err: toError(err).message }, 'recovered clip not taken');
      return isUnrecoverable(err);
    }
  }

  /** The last clip placed from `runDir`, if any. */
  lastPlacedIn(runDir: string): PlacedClip | undefined {
    return this.lastOf.get(runDir);
  }

  /** The run is closed: its reference is no longer needed. */
  forgetRun(runDir: string): void {
    this.lastOf.delete(runDir);
  }

  private async handOver(
    rel: string,
    seg: ListedSegment,
    startedAt: Date,
    live: boolean,
    model?: ClipRecorded['model'],
  ): Promise<void> {
    this.clips++;
    await this.o.onClip(
      {
        cameraId: this.o.cameraId,
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
    const m = this.o.model;
    if (!m) return undefined;
    const dest = modelClipPaths(rel);
    try {
      await fs.mkdir(path.dirname(path.join(this.o.clipsDir, dest.clip)), { recursive: true });
      await fs.rename(path.join(runDir, model.clip), path.join(this.o.clipsDir, dest.clip));
      const thumbs = model.thumbs
        ? await fs.rename(path.join(runDir, model.thumbs), path.join(this.o.clipsDir, dest.thumbs)).then(
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
      this.o.logger.warn(
        { cameraId: this.o.cameraId, rel, err: toError(err).message },
        'model clip not placed: the clip goes on without it',
      );
      return undefined;
    }
  }

  /**
   * Moves into `<camera>/<stamp>.mp4`; stamps stay unique per camera (a second is bumped if taken).
   * Two replicas record a camera at once during a hand-over (core/handoff.ts) and may place clips of
   * the same second at the same moment, so the move must never replace a file: link() fails with
   * EEXIST where rename() would overwrite the other replica's clip; the staged name is unlinked after.
   * A file system without hard links falls back to a checked rename().
   */
  private async place(staged: string, start: Date): Promise<{ rel: string }> {
    const dir = path.join(this.o.clipsDir, this.o.cameraId);
    await fs.mkdir(dir, { recursive: true });
    let ms = Math.max(Math.floor(start.getTime() / 1000) * 1000, this.lastStampMs + 1000);
    for (;;) {
      const rel = path.join(this.o.cameraId, `${clipStamp(new Date(ms))}.mp4`);
      if (await moveNoClobber(staged, path.join(this.o.clipsDir, rel))) {
        this.lastStampMs = ms;
        return { rel };
      }
      ms += 1000;
    }
  }
}

/** Moves `from` to `to` unless `to` exists; false when it does (atomically so where hard links work). */
async function moveNoClobber(from: string, to: string): Promise<boolean> {
  try {
    await fs.link(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    if (await fileExists(to)) return false;
    await fs.rename(from, to);
    return true;
  }
  await fs.unlink(from);
  return true;
}
