import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { VERDICT_JSON_SCHEMA } from '../../../functions/shared/src/verdict';
import { JPEG_VIDEO_METADATA_ERROR, JPEG_VIDEO_METADATA_SINCE, PINNED_VLLM_VERSION } from '../src/core/version';
import { startVllmSim, type VllmSimHandle } from '../src/index';
import { VIDEO_DECODERS } from '../src/adapters/video-decoder';
import { extractJpegFrames, renderClip, videoFrames } from './media-helpers';
import { CASES, drawboxFilter } from './synthetic-scene';

/**
 * vllm-sim's version-specific behaviour (a simulator of vLLM; the GPU model is what cannot
 * exist here): the Qwen3-VL `data:video/jpeg` 500 of vLLM ≤ 0.12, its 1 fps stamp after #37301,
 * and `data:video/mp4` read like vLLM's OpenCV loader, with its frame-count check.
 */
const run = promisify(execFile);
const MODEL = 'Qwen/Qwen3-VL-8B-Instruct';
const format = { type: 'json_schema', json_schema: { name: 'verdict', schema: VERDICT_JSON_SCHEMA, strict: true } };
const sims: VllmSimHandle[] = [];
let dir: string;
let mp4: Buffer;
let jpegs: string[];

async function chat(
  sim: VllmSimHandle,
  content: unknown[],
  extra: Record<string, unknown> = {},
): Promise<{ status: number; json: any }> {
  const res = await fetch(`${sim.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content: [...content, { type: 'text', text: 'Assess this clip.' }] }],
      response_format: format,
      ...extra,
    }),
  });
  return { status: res.status, json: await res.json() };
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

test.each(VIDEO_DECODERS)(
  'decoder %s: a container whose header promises more frames than decode is HTTP 500 "Expected reading N frames, but only loaded M" (OpenCV loader)',
  async (decoder) => {
    const s = await sim({ decoder });
    // Cut the tail of the media data: the moov (at the front, faststart) still says 10 frames.
    const truncated = mp4.subarray(0, Math.floor(mp4.length * 0.6));
    const r = await chat(s, [mp4Part(truncated)]);
    expect(r.status).toBe(500);
    expect(r.json.error.message).toMatch(/^Expected reading 10 frames, but only loaded \d frames from video\.$/);
  },
);

test('VLLM_SIM_ANALYSIS=off: no pixels decoded, a fixed safe verdict, tokens still counted from the header', async () => {
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
