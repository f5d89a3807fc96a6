// The node-av decode thread (see decode-node-av.ts for why a thread). Plain JS: it is loaded by
// Node itself, not by tsx or ts-jest. The polyfill must come before node-av is evaluated.
import './with-resolvers.mjs';
import { parentPort } from 'node:worker_threads';

const { Demuxer, Decoder, FilterAPI } = await import('node-av/api');

/** Copies a packed rgb24 plane into a tight buffer (a row may be padded: linesize ≥ width × 3). */
function toRgb(width, height, linesize, plane) {
  const row = width * 3;
  const out = new Uint8Array(row * height);
  if (linesize === row) out.set(plane.subarray(0, row * height));
  else for (let y = 0; y < height; y++) out.set(plane.subarray(y * linesize, y * linesize + row), y * row);
  return out;
}

/** Packets of one stream; a demux error ends the stream (the ffmpeg CLI treats a read error as end of input). */
async function* packetsUntilError(input, index) {
  try {
    for await (const pkt of input.packets(index)) {
      if (pkt === null) return;
      yield pkt;
    }
  } catch {
    return;
  }
}

/**
 * Demux → decode → the caller's filter graph + rgb24, every output frame as RGB. A packet that
 * fails to decode is skipped, as the ffmpeg CLI does without -xerror (FFmpeg fftools/ffmpeg.c:
 * "Error while decoding stream" → `if (exit_on_error) exit_program(1); … continue;`), so a damaged
 * clip yields fewer frames than its header promises, as OpenCV's loader reads it; media.ts then
 * follows the modelled vLLM version (0.11: "Expected reading N frames" 500; from 0.12.0 the broken
 * frames are dropped, vllm/multimodal/video.py:67-116).
 */
async function decode(file, filterDesc) {
  const input = await Demuxer.open(file);
  try {
    const stream = input.video();
    if (!stream) throw new Error(`no video stream in ${file}`);
    const decoder = await Decoder.create(stream);
    const filter = FilterAPI.create(`${filterDesc},format=rgb24`);
    const frames = [];
    const keep = (f) => {
      try {
        const plane = f.data?.[0];
        if (!plane) throw new Error('decoded frame has no data plane');
        frames.push({ width: f.width, height: f.height, data: toRgb(f.width, f.height, f.linesize[0], plane) });
      } finally {
        f.free();
      }
    };
    const toFilter = async (decoded) => {
      for (const f of decoded) {
        try {
          for (const out of await filter.processAll(f)) keep(out);
        } finally {
          f.free();
        }
      }
    };
    try {
      for await (const pkt of packetsUntilError(input, stream.index)) {
        let decoded = [];
        try {
          decoded = await decoder.decodeAll(pkt);
        } catch {
          decoded = []; // corrupt packet: skipped
        } finally {
          pkt.free();
        }
        await toFilter(decoded);
      }
      const rest = [];
      try {
        await decoder.flush();
        for await (const f of decoder.flushFrames()) rest.push(f);
      } catch {
        // a corrupt tail fails the drain too: the frames received so far are what was read
      }
      await toFilter(rest);
      await filter.flush();
      for await (const out of filter.flushFrames()) keep(out);
      return frames;
    } finally {
      filter.close();
      decoder.close();
    }
  } finally {
    await input.close();
  }
}

parentPort.on('message', ({ id, file, filter }) => {
  decode(file, filter).then(
    (frames) =>
      parentPort.postMessage(
        { id, frames },
        frames.map((f) => f.data.buffer),
      ),
    (err) => parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) }),
  );
});
