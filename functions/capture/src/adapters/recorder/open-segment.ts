import fs from 'node:fs/promises';
import path from 'node:path';
import { salvageSegment } from '../segment-salvage';
import type { ClipPlacer } from './clip-placer';
import { closeRun } from './staging-run';
import type { StagingContext } from './types';

/** Evidence segments of a run (core/recorder-args.ts SEGMENT_PATTERN `seg-%06d.mp4`). */
const EVIDENCE_SEGMENT = /^seg-\d+\.mp4$/;

/**
 * The `salvage` of closeRun (staging-run.ts): rebuilds a killed recorder's open segment
 * (adapters/segment-salvage.ts) from the run's last placed clip and places it as the clip right
 * after that one. A stalled camera's recorder is SIGKILLed (the watchdog's SIGINT cannot end an
 * ffmpeg blocked in its RTSP read, FFmpeg n5.1 fftools/ffmpeg.c decode_interrupt_cb), and that
 * segment held the seconds just before the stall: the last footage the camera sent, which may be
 * the very moment it failed. Without a finished segment of the same run to take the codec
 * configuration from, it stays a `partial` in quarantine as before.
 */
export function openSegmentSalvager(
  ctx: StagingContext & { ffmpegPath: string },
  placer: ClipPlacer,
  runDir: string,
): (file: string) => Promise<boolean> {
  return async (file) => {
    const last = placer.lastPlacedIn(runDir);
    if (!EVIDENCE_SEGMENT.test(file) || !last) return false;
    const partial = path.join(runDir, file);
    const rebuilt = `rebuilt-${file}`;
    const r = await salvageSegment({
      partial,
      reference: last.abs,
      out: path.join(runDir, rebuilt),
      ffmpegPath: ctx.ffmpegPath,
    });
    if (!r.ok) {
      ctx.logger.warn({ cameraId: ctx.cameraId, file, reason: r.reason }, 'open segment not rebuilt: quarantined');
      return false;
    }
    // it begins where the run's last listed segment ended, on the run's clock and on the wall clock
    const start = last.seg.end;
    const seg = { file: rebuilt, start, end: start + r.durationMs / 1000, listedAt: last.seg.listedAt + r.durationMs };
    if (!(await placer.finish(runDir, seg, undefined, false))) return false;
    await fs.rm(partial, { force: true });
    ctx.logger.warn(
      { cameraId: ctx.cameraId, file, durationMs: r.durationMs, nals: r.nals },
      "rebuilt a killed recorder's open segment as a clip",
    );
    return true;
  };
}

/**
 * How a recorder and crash recovery end a run alike: closeRun with the killed recorder's open segment
 * rebuilt where it can be, then the placer drops the run's reference clip (it is needed no longer).
 */
export async function closeRunSalvaging(
  ctx: StagingContext & { ffmpegPath: string },
  placer: ClipPlacer,
  runDir: string,
  failures: number,
): Promise<void> {
  await closeRun(ctx, runDir, failures, openSegmentSalvager(ctx, placer, runDir));
  placer.forgetRun(runDir);
}
