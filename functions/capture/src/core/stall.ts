/**
 * When a recorder is restarted although its ffmpeg still runs (issue #26.5). Pure.
 *
 * A stalled encoder keeps the RTSP session open and sends nothing: ffmpeg's socket timeout never
 * fires (the server keeps the TCP session alive) and ffmpeg never exits (camera-compat.md case 6b).
 * On resume the stream's timestamps jump by the stall, and the segment muxer, whose cut points are
 * fixed multiples of `segment_time` on the stream's clock (FFmpeg n5.1 libavformat/segment.c
 * seg_write_packet: `end_pts = seg->time * (seg->segment_count + 1)`, a cut at every keyframe past
 * it), then cuts at every keyframe until its count has caught up: a burst of one-GOP clips and a
 * sliver (measured: 0.88, 0.96, 1.00, 1.02, 0.08 s after a 20 s stall).
 */

/** No segment listed for this long (from spawn or the last listing) = stalled: `2 × SEGMENT_SECONDS + RTSP timeout`. */
export function stallLimitMs(segmentSeconds: number, timeoutSeconds: number): number {
  return (2 * segmentSeconds + timeoutSeconds) * 1000;
}

/**
 * A gap this long inside one segment means the stream paused and resumed (its clock jumped): the
 * listed window (`end - start` on the stream's clock) is longer than the media in the file
 * (packets end before the gap). One second is far above a frame (≤ 1/1 s even for a 1 fps camera)
 * and below the smallest burst it prevents.
 */
export const JUMP_GAP_SECONDS = 1;

/**
 * The seconds of a segment's window that hold no media: listed length minus the file's own
 * duration (mvhd). Above JUMP_GAP_SECONDS the recorder is restarted at once, before the muxer
 * makes its burst; the next run starts a fresh clock.
 */
export function streamGapSeconds(listed: { start: number; end: number }, mediaMs: number): number {
  return Math.max(0, listed.end - listed.start - mediaMs / 1000);
}
