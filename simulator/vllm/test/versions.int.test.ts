import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { VERDICT_JSON_SCHEMA } from '../../../functions/shared/src/verdict';
import {
  BROKEN_FRAMES_DROPPED_SINCE,
  JPEG_VIDEO_METADATA_ERROR,
  JPEG_VIDEO_METADATA_SINCE,
  PINNED_VLLM_VERSION,
  TYPE_ERROR_IS_400_SINCE,
} from '../src/core/version';
import { startVllmSim, type VllmSimHandle } from '../src/index';
import { VIDEO_DECODERS } from '../src/adapters/video-decoder';
import { extractJpegFrames, renderClip, videoFrames } from './media-helpers';
import { CASES, drawboxFilter } from './synthetic-scene';
import { postChat } from '../../../test/support/vllm-chat';

/**
 * vllm-sim's version-specific behaviour (a simulator of vLLM; the GPU model is what cannot
 * exist here): the Qwen3-VL `data:video/jpeg` 500 of vLLM ≤ 0.12 (400 on 0.13–0.18), its 1 fps
 * stamp from 0.19.0 (#37301), and `data:video/mp4` read like vLLM's OpenCV loader: the 0.11
 * frame-count 500, and from 0.12.0 broken frames dropped, what follows decided by do_sample_frames.
 */
const run = promisify(execFile);
const MODEL = 'Qwen/Qwen3-VL-8B-Instruct';
const format = { type: 'json_schema', json_schema: { name: 'verdict', schema: VERDICT_JSON_SCHEMA, strict: true } };
const sims: VllmSimHandle[] = [];
let dir: string;
let mp4: Buffer;
let jpegs: string[];

async function chat(sim: VllmSimHandle, content: unknown[], extra: Record<string, unknown> = {}) {
  return postChat(sim.url, {
    model: MODEL,
    messages: [{ role: 'user', content: [...content, { type: 'text', text: 'Assess this clip.' }] }],
    response_format: format,
    ...extra,
  });
}
const mp4Part = (b: Buffer) => ({
  type: 'video_url',
  video_url: { url: `data:video/mp4;base64,${b.toString('base64')}` },
});
async function sim(options: Parameters<typeof startVllmSim>[0]): Promise<VllmSimHandle> {
  const s = await startVllmSim({ model: MODEL, ...options });
  sims.push(s);
  return s;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vllm-sim-versions-'));
  const src = path.join(dir, 'src.mp4');
  const fire = CASES.find((c) => c.expect.includes('fire')) ?? CASES[0]!;
  await renderClip(src, drawboxFilter(fire.scene), { seconds: 5 });
  // A model clip as inference makes it: CFR 2 fps, H.264, faststart → 10 frames.
  const out = path.join(dir, 'model.mp4');
  await run('ffmpeg', [
    '-hide_banner',
    '-v',
    'error',
    '-i',
    src,
    '-vf',
    'fps=2,scale=448:-2',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-bf',
    '0',
    '-movflags',
    '+faststart',
    '-y',
    out,
  ]);
  mp4 = await readFile(out);
  jpegs = await extractJpegFrames(src);
}, 60_000);

afterAll(async () => {
  for (const s of sims) await s.close();
  await rm(dir, { recursive: true, force: true });
});

test(`the default is the pinned version (${PINNED_VLLM_VERSION}): a Qwen3-VL data:video/jpeg video is HTTP 500 with vLLM's message`, async () => {
  const s = await sim({});
  const r = await chat(s, [videoFrames(jpegs)]);
  expect(r.status).toBe(500);
  expect(r.json.error).toMatchObject({ message: JPEG_VIDEO_METADATA_ERROR, code: 500 });
  // /health stays 200 on such a request (vLLM turns 503 only when the engine is dead).
  expect((await fetch(s.url.replace(/\/v1$/, '/health'))).status).toBe(200);
});

test('a model without the metadata need (Qwen2.5-VL) takes the JPEG list at the pinned version', async () => {
  const s = await startVllmSim({ model: 'Qwen/Qwen2.5-VL-7B-Instruct' });
  sims.push(s);
  const res = await fetch(`${s.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'Qwen/Qwen2.5-VL-7B-Instruct',
      messages: [{ role: 'user', content: [videoFrames(jpegs)] }],
    }),
  });
  expect(res.status).toBe(200);
});

test(`from ${TYPE_ERROR_IS_400_SINCE} until ${JPEG_VIDEO_METADATA_SINCE} the same TypeError is a 400 (vllm/entrypoints/utils.py)`, async () => {
  const s = await sim({ vllmVersion: '0.18.1' });
  const r = await chat(s, [videoFrames(jpegs)]);
  expect(r.status).toBe(400);
  expect(r.json.error).toMatchObject({ message: JPEG_VIDEO_METADATA_ERROR, code: 400 });
});

test(`from ${JPEG_VIDEO_METADATA_SINCE} (#37301) the JPEG list is accepted and stamped at 1 fps unless media_io_kwargs.video.fps says otherwise`, async () => {
  const s = await sim({ vllmVersion: JPEG_VIDEO_METADATA_SINCE });
  expect((await chat(s, [videoFrames(jpegs)])).status).toBe(200);
  expect(s.metrics().lastVideoFps).toBe(1);
  expect((await chat(s, [videoFrames(jpegs)], { media_io_kwargs: { video: { fps: 2 } } })).status).toBe(200);
  expect(s.metrics().lastVideoFps).toBe(2);
});

const VERSION_DECODERS = [PINNED_VLLM_VERSION, JPEG_VIDEO_METADATA_SINCE].flatMap((v) =>
  VIDEO_DECODERS.map((d) => [v, d] as const),
);
test.each(VERSION_DECODERS)(
  'vLLM %s, decoder %s: data:video/mp4 is decoded (container fps, every frame) and judged',
  async (version, decoder) => {
    const s = await sim({ vllmVersion: version, decoder });
    const r = await chat(s, [mp4Part(mp4)], { mm_processor_kwargs: { fps: 2, do_sample_frames: true } });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.json.choices[0].message.content).hazards.map((h: { type: string }) => h.type)).toContain(
      'fire',
    );
    expect(s.metrics().lastVideoFps).toBe(2);
    // GET /version answers the modelled version, as vLLM answers its own.
    expect(await (await fetch(s.url.replace(/\/v1$/, '/version'))).json()).toEqual({ version, simulator: 'vllm-sim' });
  },
);

// Cut the tail of the media data: the moov (at the front, faststart) still says 10 frames.
const truncated = () => mp4.subarray(0, Math.floor(mp4.length * 0.6));
test.each(VIDEO_DECODERS)(
  'vLLM 0.11.2, decoder %s: a header promising more frames than decode is HTTP 500 "Expected reading N frames, but only loaded M"',
  async (decoder) => {
    const s = await sim({ decoder, vllmVersion: '0.11.2' });
    const r = await chat(s, [mp4Part(truncated())]);
    expect(r.status).toBe(500);
    expect(r.json.error.message).toMatch(/^Expected reading 10 frames, but only loaded \d frames from video\.$/);
  },
);

test(`from ${BROKEN_FRAMES_DROPPED_SINCE} broken frames are dropped: do_sample_frames false judges the decoded frames; true indexes past them (500)`, async () => {
  const s = await sim({});
  // Cut less than above: the I-frame holds most bytes, so 60 % leaves one frame (a 1-frame clip is its own 400).
  const lightlyTruncated = mp4.subarray(0, Math.floor(mp4.length * 0.97));
  const kept = await chat(s, [mp4Part(lightlyTruncated)], { mm_processor_kwargs: { fps: 2, do_sample_frames: false } });
  expect(kept.json.error?.message ?? '').toBe('');
  expect(kept.status).toBe(200);
  expect(s.metrics().lastVideoFramesKept).toBeGreaterThan(1);
  expect(s.metrics().lastVideoFramesKept).toBeLessThan(10);
  const sampled = await chat(s, [mp4Part(lightlyTruncated)], {
    mm_processor_kwargs: { fps: 2, do_sample_frames: true },
  });
  expect(sampled.status).toBe(500);
  expect(sampled.json.error.message).toMatch(/^index \d+ is out of bounds for axis 0 with size \d$/);
});

test('VLLM_SIM_ANALYSIS=false: no pixels decoded, a fixed safe verdict, tokens still counted from the header', async () => {
  const s = await sim({ analysis: false });
  const r = await chat(s, [mp4Part(mp4)]);
  expect(r.status).toBe(200);
  expect(JSON.parse(r.json.choices[0].message.content)).toMatchObject({ status: 'safe', hazards: [] });
  expect(r.json.usage.prompt_tokens).toBeGreaterThan(100);
});

test('other video data URLs are a clear 400', async () => {
  const s = await sim({});
  const r = await chat(s, [{ type: 'video_url', video_url: { url: 'data:video/webm;base64,AAAA' } }]);
  expect(r.status).toBe(400);
  expect(r.json.error.message).toContain('data:video/mp4');
});
