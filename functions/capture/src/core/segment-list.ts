/**
 * Parsing the segment muxer's CSV list (`name,start,end` per closed segment). Incremental:
 * the caller feeds whatever bytes arrived and keeps the unfinished tail for next time.
 */

export interface SegmentEntry {
  /** File name as ffmpeg wrote it (relative to the list's directory). */
  file: string;
  /** Seconds on the stream's timeline. */
  start: number;
  end: number;
}

/** Parses one CSV line; undefined when it is not a complete, sane entry. */
export function parseSegmentLine(line: string): SegmentEntry | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  // ffmpeg quotes a name containing a comma or quote; ours never do, but stay exact
  const m = /^(?:"((?:[^"]|"")*)"|([^,]*)),([^,]+),([^,]+)$/.exec(trimmed);
  if (!m) return undefined;
  const file = m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] ?? '');
  const start = Number(m[3]);
  const end = Number(m[4]);
  if (file === '' || !Number.isFinite(start) || !Number.isFinite(end) || end < start) return undefined;
  return { file, start, end };
}

/**
 * Splits newly read text into complete lines; a trailing partial line is returned as `rest`
 * and must be prepended to the next chunk (ffmpeg may be mid-write).
 */
export function splitSegmentChunk(
  pending: string,
  chunk: string,
): { entries: SegmentEntry[]; rest: string; bad: string[] } {
  const text = pending + chunk;
  const lastNl = text.lastIndexOf('\n');
  if (lastNl < 0) return { entries: [], rest: text, bad: [] };
  const entries: SegmentEntry[] = [];
  const bad: string[] = [];
  for (const line of text.slice(0, lastNl).split('\n')) {
    if (line.trim() === '') continue;
    const e = parseSegmentLine(line);
    if (e) entries.push(e);
    else bad.push(line);
  }
  return { entries, rest: text.slice(lastNl + 1), bad };
}

/**
 * When each segment of one read of the list closed, on the wall clock (ms): the list's mtime is
 * when its LAST line was written, and the segment muxer writes a line the moment the next
 * segment's first packet arrives (FFmpeg n5.1 libavformat/segment.c segment_end, called from
 * seg_write_packet at the cut), so the earlier lines closed `last.end - e.end` seconds of stream
 * clock before it. A segment then started `end - start` before it closed: its start comes from
 * the stream's own timing (issue #26.5). The file name cannot tell it: with `-strftime 1` the name
 * was the time the FILE was opened (`time()` in set_segment_filename), which for a run's first
 * segment is when the output was set up, possibly long before the stream's first packet (a camera
 * coming back after a reboot), and two segments opened in one second shared a name.
 */
export function listedTimes(entries: readonly SegmentEntry[], mtimeMs: number): number[] {
  const last = entries[entries.length - 1];
  return entries.map((e) => mtimeMs - ((last?.end ?? e.end) - e.end) * 1000);
}

/** A listed segment's wall-clock start (ms): its close minus its length on the stream's clock. */
export function segmentWallStartMs(seg: SegmentEntry & { listedAt: number }): number {
  return seg.listedAt - (seg.end - seg.start) * 1000;
}

/**
 * A line may be listed this much later than the stream's clock says it closed (the previous line's
 * date plus the stream time between them), plus half that stream time, before its date is taken
 * from the stream's clock instead. In a live run the muxer lists a line at the next segment's first
 * packet, on time within network jitter, or later by however much slower than real time the camera
 * delivers (a loaded simulator: up to ~half); a dying run's last line is late by the RTSP timeout.
 */
export const LATE_LISTING_MS = 2000;

/**
 * Dates for one read of a run's list. ffmpeg writes a run's LAST line when it exits (FFmpeg n5.1
 * segment.c seg_write_trailer → segment_end), which after a dead stream is its RTSP timeout after
 * the last packet: dated by the list's mtime, that clip would claim media up to the exit, and the
 * late last clip of a camera that went offline would look like a sign of life
 * (core/camera-health.ts onClip). A line listed that late after the previous one (`prev`, dated by
 * its own mtime: every estimate starts from a real listing, so a camera clock that runs slow never
 * accumulates) is dated from the stream's clock instead.
 */
export function continuousTimes(
  entries: readonly SegmentEntry[],
  mtimeMs: number,
  prev: { end: number; listedAt: number } | undefined,
): number[] {
  const dated = listedTimes(entries, mtimeMs);
  return entries.map((e, i) => {
    const before = i === 0 ? prev : { end: entries[i - 1]!.end, listedAt: dated[i - 1]! };
    if (!before) return dated[i]!;
    const streamMs = (e.end - before.end) * 1000;
    const byStream = before.listedAt + streamMs;
    return dated[i]! > byStream + LATE_LISTING_MS + streamMs / 2 ? byStream : dated[i]!;
  });
}
