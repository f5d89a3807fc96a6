/**
 * Which model segment shows the same footage as an evidence segment (issue #26.1): paired by
 * TIME, never by list position. By position, a camera with a 10 s GOP (evidence cut only at its
 * keyframes, every 10 s) got 5 s model clips paired one after another, each verdict judging
 * footage further from its clip (camera-compat.md case 8).
 *
 * Both segment lists give `start,end` in seconds on their own output timeline (FFmpeg n5.1
 * libavformat/segment.c seg_write_packet: `cur_entry.start_time = pkt->pts * time_base` at each
 * cut; the first segment keeps start_time 0). The evidence timeline starts at the input's first
 * packet; the model timeline at the first DECODED frame (`setpts=PTS-STARTPTS`, recorder-args.ts),
 * which is later when the run joined mid-GOP (the decoder skips to the first keyframe). The run
 * offset `k` = the evidence time of that first decoded frame (adapters/model-pairer.ts measures
 * it). Measured with gst-rtsp-server: k = 0 when the stream starts with a keyframe; then x264's
 * keyframes fell 0.9 s after each grid point and the cuts never met, so no pairing (and no
 * wrong one). Guessing k from the first cuts instead gave model clips 0.7 s (GOP 1 s) and 3.7 s
 * (GOP 4 s) off their clips.
 *
 * Every pair must match at BOTH ends within one model frame; when nothing matches (a GOP that does
 * not divide SEGMENT_SECONDS or is out of phase with it, a timestamp jump) the clip goes on without
 * a model clip and inference makes one from the evidence (`makeModelClip`,
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
 * Index of the model segment covering exactly the evidence segment's window (start and end each
 * within `tolerance` once shifted by the run offset), or undefined.
 * @param index the evidence segment's position in its list (the run's first starts at `offset`, not at its listed 0)
 */
export function pairModelSegment(
  index: number,
  evidence: TimedSegment,
  models: readonly TimedSegment[],
  offset: number,
  tolerance: number,
): number | undefined {
  const start = index === 0 ? 0 : evidence.start - offset;
  const end = evidence.end - offset;
  const j = models.findIndex((m) => Math.abs(m.start - start) <= tolerance && Math.abs(m.end - end) <= tolerance);
  return j < 0 ? undefined : j;
}

/**
 * Whether the model list has reached the evidence window's end (lists are in time order and ends
 * are a segment apart, so no later model segment can match): stop waiting for it.
 */
export function modelListPast(
  evidence: TimedSegment,
  models: readonly TimedSegment[],
  offset: number,
  tolerance: number,
): boolean {
  const last = models[models.length - 1];
  return last !== undefined && last.end >= evidence.end - offset - tolerance;
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
  offset: number,
  tolerance: number,
): boolean {
  const last = models[models.length - 1];
  const start = index === 0 ? 0 : evidence.start - offset;
  return last !== undefined && last.end > start + tolerance;
}
