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

/** `seg-1764362400.mp4` → the segment's wall-clock start, from the `%s` in its name. */
export function segmentStart(file: string): Date | undefined {
  const m = /^seg-(\d{9,11})\.mp4$/.exec(file);
  return m ? new Date(Number(m[1]) * 1000) : undefined;
}
