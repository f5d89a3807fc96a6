/**
 * In-process MP4 validation for our own recorder's clips: an ffprobe per clip would cost
 * about 2 cores at 100 cameras (docs/architecture.md §5). Reads only box headers plus the `moov` box,
 * through a `ByteSource`, so the same code runs on files (adapter) and buffers (tests).
 */

/** Random access to a clip's bytes. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Buffer>;
}

/** Why a clip is rejected; also the `reason` label of the rejected-clips metric. */
export type RejectCode = 'empty' | 'truncated' | 'corrupt' | 'no-video' | 'zero-duration' | 'probe-failed' | 'partial';

export type Mp4Check =
  { ok: true; durationMs: number; boxes: string[] } | { ok: false; code: RejectCode; reason: string };

interface Box {
  type: string;
  offset: number;
  size: number;
  headerSize: number;
}

const MAX_TOP_LEVEL_BOXES = 4096;
const MAX_MOOV_BYTES = 32 * 1024 * 1024;

export function bufferSource(buf: Buffer): ByteSource {
  return { size: buf.length, read: async (offset, length) => buf.subarray(offset, offset + length) };
}

const fail = (code: RejectCode, reason: string): Mp4Check => ({ ok: false, code, reason });
const isFourCC = (t: string) => /^[\x20-\x7e]{4}$/.test(t);

/** Reads a box header at `offset` inside `[offset, end)`; a string is the failure reason. */
function parseHeader(buf: Buffer, offset: number, end: number): Box | { code: RejectCode; reason: string } {
  if (buf.length < 8) return { code: 'truncated', reason: `box header cut off at byte ${offset}` };
  const size32 = buf.readUInt32BE(0);
  const type = buf.toString('latin1', 4, 8);
  if (!isFourCC(type)) return { code: 'corrupt', reason: `no MP4 box at byte ${offset} (garbage type bytes)` };
  let size = size32;
  let headerSize = 8;
  if (size32 === 1) {
    if (buf.length < 16)
      return { code: 'truncated', reason: `64-bit box header of '${type}' cut off at byte ${offset}` };
    size = Number(buf.readBigUInt64BE(8));
    headerSize = 16;
  } else if (size32 === 0) {
    size = end - offset; // "extends to the end of the file"
  }
  if (size < headerSize)
    return { code: 'corrupt', reason: `box '${type}' at byte ${offset} has an impossible size ${size}` };
  if (offset + size > end) {
    return {
      code: 'truncated',
      reason: `box '${type}' at byte ${offset} claims ${size} bytes but only ${end - offset} remain`,
    };
  }
  return { type, offset, size, headerSize };
}

async function topLevelBoxes(src: ByteSource): Promise<Box[] | { code: RejectCode; reason: string }> {
  const boxes: Box[] = [];
  let offset = 0;
  while (offset < src.size) {
    if (boxes.length >= MAX_TOP_LEVEL_BOXES)
      return { code: 'corrupt', reason: `more than ${MAX_TOP_LEVEL_BOXES} top-level boxes` };
    const head = await src.read(offset, Math.min(16, src.size - offset));
    const box = parseHeader(head, offset, src.size);
    if (!('type' in box)) return box;
    boxes.push(box);
    offset += box.size;
  }
  return boxes;
}

/** Children of a container box's payload (`payload` starts right after the container's header). */
function children(payload: Buffer, base = 0): Box[] {
  const out: Box[] = [];
  let offset = 0;
  while (offset + 8 <= payload.length) {
    const b = parseHeader(payload.subarray(offset, offset + 16), base + offset, base + payload.length);
    if (!('type' in b)) break;
    out.push({ ...b, offset: offset });
    offset += b.size;
  }
  return out;
}

const payloadOf = (buf: Buffer, b: Box) => buf.subarray(b.offset + b.headerSize, b.offset + b.size);

/** mvhd duration in ms (version 0 and 1), undefined when unreadable. */
export function mvhdDurationMs(mvhd: Buffer): number | undefined {
  const version = mvhd[0];
  if (version === 1 && mvhd.length >= 32) {
    const timescale = mvhd.readUInt32BE(20);
    return timescale > 0 ? Math.round((Number(mvhd.readBigUInt64BE(24)) / timescale) * 1000) : undefined;
  }
  if (version === 0 && mvhd.length >= 20) {
    const timescale = mvhd.readUInt32BE(12);
    return timescale > 0 ? Math.round((mvhd.readUInt32BE(16) / timescale) * 1000) : undefined;
  }
  return undefined;
}

/** True when some trak → mdia → hdlr has handler type `vide`. */
export function hasVideoTrack(moovPayload: Buffer): boolean {
  return children(moovPayload)
    .filter((b) => b.type === 'trak')
    .some((trak) => {
      const mdia = children(payloadOf(moovPayload, trak)).find((b) => b.type === 'mdia');
      if (!mdia) return false;
      const mdiaPayload = payloadOf(payloadOf(moovPayload, trak), mdia);
      const hdlr = children(mdiaPayload).find((b) => b.type === 'hdlr');
      return hdlr !== undefined && payloadOf(mdiaPayload, hdlr).toString('latin1', 8, 12) === 'vide';
    });
}

/**
 * Checks a non-fragmented MP4: size > 0, top-level box sizes add up to the file size,
 * `ftyp` first, `moov` and a non-empty `mdat` present, a video track, mvhd duration > 0.
 * An unfinished segment (48 bytes, no moov) or a cut-off file fails with a reason.
 */
export async function checkMp4(src: ByteSource): Promise<Mp4Check> {
  if (src.size === 0) return fail('empty', 'file is empty (0 bytes)');
  const boxes = await topLevelBoxes(src);
  if (!Array.isArray(boxes)) return fail(boxes.code, boxes.reason);
  const types = boxes.map((b) => b.type);
  if (types[0] !== 'ftyp') return fail('corrupt', `not an MP4: first box is '${types[0] ?? '?'}', expected 'ftyp'`);
  const moov = boxes.find((b) => b.type === 'moov');
  if (!moov) return fail('truncated', "no 'moov' box: the recording was not finalised");
  const mdat = boxes.find((b) => b.type === 'mdat');
  if (!mdat || mdat.size <= mdat.headerSize) return fail('empty', "no media data: 'mdat' is missing or empty");
  if (moov.size > MAX_MOOV_BYTES) return fail('corrupt', `'moov' box of ${moov.size} bytes is implausibly large`);
  const moovBuf = await src.read(moov.offset, moov.size);
  const moovPayload = payloadOf(moovBuf, { ...moov, offset: 0 });
  const mvhd = children(moovPayload).find((b) => b.type === 'mvhd');
  if (!mvhd) return fail('corrupt', "'moov' has no 'mvhd' header");
  if (!hasVideoTrack(moovPayload)) return fail('no-video', 'no video track');
  const durationMs = mvhdDurationMs(payloadOf(moovPayload, mvhd));
  if (durationMs === undefined) return fail('corrupt', "unreadable 'mvhd'");
  if (durationMs <= 0) return fail('zero-duration', 'duration is 0');
  return { ok: true, durationMs, boxes: types };
}
