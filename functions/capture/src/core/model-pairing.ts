/**
 * Which model segment shows the same footage as an evidence segment (issue #26.1): paired by
 * TIME, never by list position. By position, a camera with a 10 s GOP (evidence cut only at its
 * keyframes, every 10 s) got 5 s model clips paired one after another, each verdict judging
 * footage further from its clip (camera-compat.md case 8).
 *
 * Both segment lists give `start,end` in seconds on their output's timeline (FFmpeg n5.1
 * libavformat/segment.c seg_write_packet: `cur_entry.start_time = pkt->pts * time_base` at each
 * cut; the first segment keeps start_time 0), and both timelines are the one clock of the input
 * (core/recorder-args.ts modelFilterGraph: no timestamp shift, `fps=…:start_time=0`), so the times
 * compare as they are. An earlier version shifted the model clock to its first decoded frame and
 * carried that "run offset" here; with it, no cut lead suited both a camera whose keyframes fall
 * just before the grid and a run whose first frame is late (camera-compat.md case 8, 2026-12-07).
 *
 * Every pair must match at BOTH ends within one model frame; when nothing matches (a GOP longer
 * than two model frames that is out of phase with SEGMENT_SECONDS, a timestamp jump) the clip goes
 * on without a model clip and inference makes one from the evidence (`makeModelClip`,
 * functions/inference/src/adapters/ffmpeg.ts): GPU-node CPU, never a verdict about other footage.
 */

export interface TimedSegment {
  /** Seconds on the output's own timeline. */
  start: number;
  end: number;
}

/** The "± one frame" bound: one model frame, plus 20 ms for the lists' rounding. */
export function pairingTolerance(modelFps: number): number {
  return 1 / modelFps + 0.02;
}

/**
 * Index of the model segment covering exactly the evidence segment's window (each end within
 * `tolerance`), or undefined.
 * @param index the evidence segment's position in its run's list: the first is compared from 0,
 * where the model output starts (`start_time=0` repeats the first decoded frame back to 0), while
 * its media may start later, at the run's first keyframe (camera-recorder.ts mediaWindow)
 */
export function pairModelSegment(
  index: number,
  evidence: TimedSegment,
  models: readonly TimedSegment[],
  tolerance: number,
): number | undefined {
  const start = index === 0 ? 0 : evidence.start;
  const j = models.findIndex(
    (m) => Math.abs(m.start - start) <= tolerance && Math.abs(m.end - evidence.end) <= tolerance,
  );
  return j < 0 ? undefined : j;
}

/**
 * Whether the model list has reached the evidence window's end (lists are in time order and ends
 * are a segment apart, so no later model segment can match): stop waiting for it.
 */
export function modelListPast(evidence: TimedSegment, models: readonly TimedSegment[], tolerance: number): boolean {
  const last = models[models.length - 1];
  return last !== undefined && last.end >= evidence.end - tolerance;
}

/**
 * Whether the model list has passed the evidence window's START with no listed segment paired: a
 * segment not yet listed starts where the last listed one ended or later (the segment muxer starts a
 * segment at its cut packet, the last one's end; the model output is CFR, its timestamps only grow), so
 * none can start within `tolerance` of the window's start any more: stop waiting. Without it a run whose
 * keyframes were out of phase with the model's cuts waited on every clip for the model segment past the
 * window's END, up to a segment later (measured: every clip of such a run ~4.9 s late with 5 s segments,
 * 9.9 s between a healthy camera's clips against CAMERA_OFFLINE_SECONDS=10, so it flapped offline).
 * @param index the evidence segment's position in its list (as pairModelSegment)
 */
export function modelStartPassed(
  index: number,
  evidence: TimedSegment,
  models: readonly TimedSegment[],
  tolerance: number,
): boolean {
  const last = models[models.length - 1];
  const start = index === 0 ? 0 : evidence.start;
  return last !== undefined && last.end > start + tolerance;
}
