/**
 * What an MP4's header says about its (first) video track, read in-process from the `moov`
 * box: sample count (`stsz`), time scale and duration (`mdhd`), and the coded size (`avc1`/
 * `hvc1` sample entry). vLLM's OpenCV loader reads the header's frame count
 * (CAP_PROP_FRAME_COUNT); on 0.11.x fewer decoded frames failed the request ("Expected reading N
 * frames, but only loaded M", QwenLM/Qwen3-VL#1770), from 0.12.0 the missing frames are dropped
 * (vllm/multimodal/video.py:67-116, vllm#29001), so our model clips are still checked against it. Plain box walk (ISO/IEC 14496-12), no dependencies.
 */
export interface Mp4VideoInfo {
  frames: number;
  width: number;
  height: number;
  /** Seconds, from the track's mdhd. */
  duration: number;
  /** frames / duration. */
  fps: number;
  /** moov before mdat (seekable from the start: `-movflags +faststart`). */
  faststart: boolean;
  /** Has an `mvex`/`moof` (fragmented): not what we send. */
  fragmented: boolean;
}

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'mvex', 'edts']);

interface Box {
  type: string;
  start: number;
  body: number;
  end: number;
}

function* boxes(buf: Buffer, from: number, to: number): Generator<Box> {
  let i = from;
  while (i + 8 <= to) {
    let size = buf.readUInt32BE(i);
    const type = buf.toString('latin1', i + 4, i + 8);
    let body = i + 8;
    if (size === 1) {
      if (i + 16 > to) return;
      size = Number(buf.readBigUInt64BE(i + 8));
      body = i + 16;
    } else if (size === 0) size = to - i;
    if (size < 8 || i + size > to) return;
    yield { type, start: i, body, end: i + size };
    i += size;
  }
}

/** Parses the header; throws when there is no video track with a sample table. */
export function mp4VideoInfo(buf: Buffer): Mp4VideoInfo {
  let moovAt = -1;
  let mdatAt = -1;
  let fragmented = false;
  let found: { frames: number; width: number; height: number; duration: number } | undefined;
  for (const top of boxes(buf, 0, buf.length)) {
    if (top.type === 'moov' && moovAt < 0) moovAt = top.start;
    if (top.type === 'mdat' && mdatAt < 0) mdatAt = top.start;
    if (top.type === 'moof') fragmented = true;
    if (top.type !== 'moov') continue;
    for (const trak of walk(buf, top)) {
      const t = trackInfo(buf, trak);
      if (t === 'fragmented') fragmented = true;
      else if (t.isVideo && t.frames >= 0 && !found)
        found = { frames: t.frames, width: t.width, height: t.height, duration: t.duration };
    }
  }
  if (!found) throw new Error('no video track with a sample table in the MP4 header');
  return {
    ...found,
    fps: found.duration > 0 ? found.frames / found.duration : 0,
    faststart: moovAt >= 0 && (mdatAt < 0 || moovAt < mdatAt),
    fragmented,
  };
}

function walk(buf: Buffer, moov: Box): Box[] {
  return [...boxes(buf, moov.body, moov.end)].filter((b) => b.type === 'trak' || b.type === 'mvex');
}

/** What one `trak` says; `frames` is -1 without a sample table (`stsz`). */
interface Track {
  isVideo: boolean;
  frames: number;
  width: number;
  height: number;
  /** Seconds, from the track's mdhd. */
  duration: number;
  /** The first sample entry's type and decoder configuration, when it has an `avcC`/`hvcC`. */
  codec?: VideoCodecConfig | undefined;
}

function trackInfo(buf: Buffer, trak: Box): Track | 'fragmented' {
  if (trak.type === 'mvex') return 'fragmented';
  let isVideo = false;
  let timescale = 0;
  let duration = 0;
  let frames = -1;
  let width = 0;
  let height = 0;
  let codec: VideoCodecConfig | undefined;
  const visit = (b: Box): void => {
    if (CONTAINERS.has(b.type)) {
      for (const c of boxes(buf, b.body, b.end)) visit(c);
      return;
    }
    if (b.type === 'hdlr') isVideo = buf.toString('latin1', b.body + 8, b.body + 12) === 'vide';
    if (b.type === 'mdhd') {
      const v = buf.readUInt8(b.body);
      if (v === 1) {
        timescale = buf.readUInt32BE(b.body + 20);
        duration = Number(buf.readBigUInt64BE(b.body + 24));
      } else {
        timescale = buf.readUInt32BE(b.body + 12);
        duration = buf.readUInt32BE(b.body + 16);
      }
    }
    if (b.type === 'stsz') frames = buf.readUInt32BE(b.body + 8);
    if (b.type === 'stsd') {
      // stsd: version/flags(4) entry_count(4), then the first VisualSampleEntry:
      // size(4) type(4) reserved(6) data_ref(2) pre_defined/reserved(16) width(2) height(2)
      const entry = b.body + 8;
      if (entry + 36 <= b.end) {
        width = buf.readUInt16BE(entry + 32);
        height = buf.readUInt16BE(entry + 34);
      }
      codec ??= sampleEntryCodec(buf, b);
    }
  };
  visit(trak);
  return { isVideo, frames, width, height, duration: timescale > 0 ? duration / timescale : 0, codec };
}

/** The first video sample entry's type (`avc1`, `hvc1`, `hev1` …) and its decoder configuration box (`avcC`/`hvcC`) payload. */
export interface VideoCodecConfig {
  entry: string;
  config: Buffer;
}

/**
 * Reads the video track's sample entry: what a stream copy needs to rebuild a clip whose own
 * `moov` was never written (capture's salvage of a killed recorder's open segment).
 */
export function videoCodecConfig(buf: Buffer): VideoCodecConfig | undefined {
  for (const top of boxes(buf, 0, buf.length)) {
    if (top.type !== 'moov') continue;
    for (const trak of walk(buf, top)) {
      const t = trackInfo(buf, trak);
      if (t !== 'fragmented' && t.isVideo && t.codec) return t.codec;
    }
  }
  return undefined;
}

/**
 * The `stsd` box's first sample entry and its `avcC`/`hvcC` payload. A VisualSampleEntry has 78 bytes of fields
 * after its 8-byte header, then its child boxes (ISO/IEC 14496-12 §12.1.3; the `avcC` box of ISO/IEC 14496-15
 * §5.4.2, `hvcC` §8.4.1).
 */
function sampleEntryCodec(buf: Buffer, stsd: Box): VideoCodecConfig | undefined {
  const entry = [...boxes(buf, stsd.body + 8, stsd.end)][0];
  if (!entry) return undefined;
  const config = [...boxes(buf, entry.body + 78, entry.end)].find((c) => c.type === 'avcC' || c.type === 'hvcC');
  return config && { entry: entry.type, config: buf.subarray(config.body, config.end) };
}
