/**
 * A killed recorder's open segment (SIGKILL after a stall, core/stall.ts) is an MP4 that never got
 * its `moov`: `ftyp`, `free`, then an `mdat` whose size field is still 0 and whose payload is the
 * samples written so far (FFmpeg n5.1 libavformat/movenc.c mov_write_mdat_tag writes the size at
 * the trailer; ISO/IEC 14496-12 §4.2: size 0 = "box extends to the end of the file"). Each sample is
 * a run of length-prefixed NAL units (ISO/IEC 14496-15 §5.3.2), so the bytes become a playable
 * H.264/HEVC elementary stream again once the length prefixes are replaced by Annex B start codes
 * (ITU-T H.264 Annex B) and the parameter sets, which live only in the sample entry, are put first.
 * Pure functions; the salvage itself is adapters/segment-salvage.ts.
 */

export type RawCodec = 'h264' | 'hevc';

export interface ParameterSets {
  codec: RawCodec;
  /** Bytes of each NAL unit's length prefix (1, 2 or 4). */
  lengthSize: number;
  nals: Buffer[];
}

const START_CODE = Buffer.from([0, 0, 0, 1]);

/** The parameter sets and NAL length size of an `avcC` or `hvcC` payload; undefined when malformed. */
export function parameterSets(entry: string, config: Buffer): ParameterSets | undefined {
  try {
    if (entry === 'avc1' || entry === 'avc3') return avcC(config);
    if (entry === 'hvc1' || entry === 'hev1') return hvcC(config);
  } catch {
    // a length that runs past the box: not a configuration we can trust
  }
  return undefined;
}

/** avcC: version, profile, compatibility, level, 6 bits + lengthSizeMinusOne, 3 bits + SPS count, SPS…, PPS count, PPS… */
function avcC(c: Buffer): ParameterSets {
  const nals: Buffer[] = [];
  let i = 5;
  const sps = c.readUInt8(i++) & 0x1f;
  i = readNals(c, i, sps, nals);
  const pps = c.readUInt8(i++);
  readNals(c, i, pps, nals);
  return { codec: 'h264', lengthSize: (c.readUInt8(4) & 0x03) + 1, nals };
}

/** hvcC: 21 bytes of profile fields, then 6 bits + lengthSizeMinusOne, numOfArrays, each: type, count, NALs. */
function hvcC(c: Buffer): ParameterSets {
  const nals: Buffer[] = [];
  const arrays = c.readUInt8(22);
  let i = 23;
  for (let a = 0; a < arrays; a++) {
    const count = c.readUInt16BE(i + 1);
    i = readNals(c, i + 3, count, nals);
  }
  return { codec: 'hevc', lengthSize: (c.readUInt8(21) & 0x03) + 1, nals };
}

/** Reads `count` NAL units, each with a 16-bit length, from `i`; returns the offset after them. */
function readNals(c: Buffer, i: number, count: number, out: Buffer[]): number {
  for (let n = 0; n < count; n++) {
    const len = c.readUInt16BE(i);
    if (i + 2 + len > c.length) throw new RangeError('parameter set past the end of its box');
    out.push(c.subarray(i + 2, i + 2 + len));
    i += 2 + len;
  }
  return i;
}

/** Where the payload of the first top-level `mdat` starts (size 0 or a 64-bit size allowed), or undefined. */
export function mdatPayloadOffset(file: Buffer): number | undefined {
  let i = 0;
  while (i + 8 <= file.length) {
    const size = file.readUInt32BE(i);
    const type = file.toString('latin1', i + 4, i + 8);
    const header = size === 1 ? 16 : 8;
    if (type === 'mdat') return i + header;
    const length = size === 1 && i + 16 <= file.length ? Number(file.readBigUInt64BE(i + 8)) : size;
    if (length < 8) return undefined; // size 0 before the mdat: nothing we know follows
    i += length;
  }
  return undefined;
}

/**
 * Whether a NAL unit carries picture data (a slice): H.264 nal_unit_type 1–5 (ITU-T H.264 Table
 * 7-1, the low 5 bits of its first byte), HEVC 0–31 (ITU-T H.265 Table 7-1, bits 1–6).
 */
export function isSlice(codec: RawCodec, firstByte: number): boolean {
  if (codec === 'h264') {
    const type = firstByte & 0x1f;
    return type >= 1 && type <= 5;
  }
  return ((firstByte >> 1) & 0x3f) <= 31;
}

/**
 * Length-prefixed NAL units → Annex B, the parameter sets first. Stops at the first unit the file
 * does not hold whole (the write the kill cut short) or whose length is 0. `nals` counts the
 * units taken from the payload, `slices` those with picture data (none = nothing to show).
 */
export function toAnnexB(payload: Buffer, ps: ParameterSets): { stream: Buffer; nals: number; slices: number } {
  const parts: Buffer[] = ps.nals.flatMap((n) => [START_CODE, n]);
  let nals = 0;
  let slices = 0;
  for (let i = 0; i + ps.lengthSize <= payload.length;) {
    const len = payload.readUIntBE(i, ps.lengthSize);
    if (len === 0 || i + ps.lengthSize + len > payload.length) break;
    const nal = payload.subarray(i + ps.lengthSize, i + ps.lengthSize + len);
    parts.push(START_CODE, nal);
    nals++;
    if (isSlice(ps.codec, nal[0]!)) slices++;
    i += ps.lengthSize + len;
  }
  return { stream: Buffer.concat(parts), nals, slices };
}
