import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mp4VideoInfo } from '../../../functions/shared/src/mp4-info';
import { countTokens } from '../src/core/qwen-tokenizer';
import { startVllmSim, type VllmSimHandle } from '../src/index';
import { withHeaderFpsScaled } from '../../../test/support/mp4-edit';
import { makeTestClip } from '../../../test/support';
import { postChat } from '../../../test/support/vllm-chat';

/**
 * The presampled-clip edge cases of issue #27 over HTTP (vllm-sim at the pinned v0.12.0; the GPU
 * model is what cannot exist here): a header saying fps 2.02, a 1-frame clip. The broken-frame
 * case is in versions.int.test.ts; the arithmetic of each in tokens.test.ts.
 */
const MODEL = 'Qwen/Qwen3-VL-8B-Instruct';
let dir: string;
let sim: VllmSimHandle;

async function modelClip(name: string, frames: number): Promise<Buffer> {
  const out = path.join(dir, name);
  await makeTestClip(out, { source: 'testsrc', width: 448, height: 252, fps: 2, seconds: 5, frames, faststart: true });
  return readFile(out);
}

function chat(mp4: Buffer, doSampleFrames: boolean) {
  return postChat(sim.url, {
    model: MODEL,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'video_url', video_url: { url: `data:video/mp4;base64,${mp4.toString('base64')}` } },
          { type: 'text', text: 'Assess this clip.' },
        ],
      },
    ],
    mm_processor_kwargs: { fps: 2, do_sample_frames: doSampleFrames },
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vllm-sim-edges-'));
  sim = await startVllmSim({ model: MODEL });
}, 60_000);

afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

test('a header saying fps 2.02: do_sample_frames true keeps 9 of 10 frames (int() truncates), false keeps all 10', async () => {
  const mp4 = withHeaderFpsScaled(await modelClip('fps202.mp4', 10), 1.01);
  expect(mp4VideoInfo(mp4).fps).toBeCloseTo(2.02, 2);
  expect((await chat(mp4, true)).status).toBe(200);
  expect(sim.metrics().lastVideoFramesKept).toBe(9);
  expect((await chat(mp4, false)).status).toBe(200);
  expect(sim.metrics().lastVideoFramesKept).toBe(10);
});

test('a 1-frame clip is a 400 from smart_resize ("t:1 must be larger than temporal_factor:2") either way', async () => {
  const mp4 = await modelClip('one.mp4', 1);
  for (const doSample of [true, false]) {
    const r = await chat(mp4, doSample);
    expect(r.status).toBe(400);
    expect(r.json.error.message).toBe('t:1 must be larger than temporal_factor:2');
  }
});

test('a clean model clip costs 600 video tokens and keeps 10 frames with do_sample_frames false', async () => {
  const mp4 = await modelClip('clean.mp4', 10);
  const r = await chat(mp4, false);
  expect(r.status).toBe(200);
  expect(sim.metrics().lastVideoFramesKept).toBe(10);
  const text = countTokens('<|im_start|>user\n') + countTokens('Assess this clip.<|im_end|>\n<|im_start|>assistant\n');
  expect(r.json.usage.prompt_tokens).toBe(text + 600);
});
