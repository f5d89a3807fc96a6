import path from 'node:path';
import pino from 'pino';
import { Counter, Registry } from 'prom-client';
import { startVllmSim, type VllmSimHandle } from '../../../simulator/vllm/src/index';
import { GIB, processedItemBytes } from '../../../simulator/vllm/src/core/processor-cache';
import { FewShotSender, GIVE_UP_AFTER_MISSES } from '../src/adapters/fewshot-sender';
import { loadFewShot } from '../src/adapters/fewshot';
import { VllmClient, VllmUnavailableError } from '../src/adapters/vllm-client';
import { judge } from '../src/app/judge';
import { createPromptKit, type PromptKit } from '../src/core/prompt-kit';
import type { FewShotExample } from '../src/core/prompt';

/**
 * Issue #27.4 end to end through vllm-sim (its processor cache modelled on vLLM 0.12.0): the real
 * prompt kit and few-shot files, the real client and sender. The first request carries the media
 * (warm-up), the next ones only uuids; a restarted model server (empty cache) answers 400, the
 * request is resent once with the media and counted; a cache too small for the few-shot set misses
 * every time, and after a few misses the sender goes back to the media.
 */
const MODEL = 'Qwen/Qwen3-VL-8B-Instruct';
const logger = pino({ level: 'silent' });
const sims: VllmSimHandle[] = [];
let examples: FewShotExample[];
let kit: PromptKit;

interface Sent {
  bytes: number;
  byReference: boolean;
  status: number;
}

afterAll(async () => {
  for (const s of sims) await s.close().catch(() => undefined);
});
beforeAll(async () => {
  examples = await loadFewShot(path.join(__dirname, '../fewshot'));
  kit = createPromptKit({
    examples,
    cameras: undefined,
    mode: 'video-frames',
    language: 'en',
    fps: examples[0]!.media.fps,
    model: MODEL,
    maxTokens: 300,
  });
});

async function sim(options: Parameters<typeof startVllmSim>[0] = {}): Promise<VllmSimHandle> {
  const s = await startVllmSim({ model: MODEL, analysis: false, ...options });
  sims.push(s);
  return s;
}

/** A client to `url` that records what it sends, and a sender counting its resends. */
function setup(url: string, sent: Sent[]) {
  const recording: typeof fetch = async (input, init) => {
    const body = typeof init?.body === 'string' ? init.body : '';
    const res = await fetch(input, init);
    if (init?.method === 'POST')
      // not the /health checks the client makes after a failure
      sent.push({ bytes: Buffer.byteLength(body), byReference: body.includes('"video_url":null'), status: res.status });
    return res;
  };
  const client = new VllmClient({
    baseUrl: url,
    apiKey: undefined,
    timeoutMs: 30_000,
    maxRetries: 0,
    logger,
    fetch: recording,
  });
  const resends = new Counter({ name: 'resends', help: 'h', registers: [new Registry()] });
  const sender = new FewShotSender({ enabled: true, resends, logger });
  const clip = examples[3]!.media; // any model clip: the one under analysis always carries its media
  const ask = () =>
    sender.send(
      (form) => kit.body('cam1', clip, undefined, form),
      (body) => judge(client, body),
    );
  return { ask, resends, sender };
}

test('warm-up with the media, then uuid-only; a restarted server misses once and is resent whole', async () => {
  const first = await sim();
  const sent: Sent[] = [];
  const { ask, resends } = setup(first.url, sent);
  await ask();
  await ask();
  expect(sent.map((s) => [s.byReference, s.status])).toEqual([
    [false, 200],
    [true, 200],
  ]);
  // every few-shot MP4 left the request: a reference is a small fraction of the full body
  expect(sent[1]!.bytes).toBeLessThan(sent[0]!.bytes / 2);

  // the model server restarts on the same address with an empty cache
  const port = Number(new URL(first.url).port);
  await first.close();
  await sim({ port });
  // a keep-alive socket to the old server may fail first: unavailable, and the pull loop waits for
  // /health and sends again (process-job.ts ask), as here
  await ask().catch(async (err: Error) => {
    if (!(err instanceof VllmUnavailableError)) throw err;
    await ask();
  });
  expect(sent.slice(2).map((s) => [s.byReference, s.status])).toEqual([
    [true, 400],
    [false, 200],
  ]);
  expect((await resends.get()).values[0]?.value).toBe(1);
  await ask(); // warm again: by reference
  expect(sent.at(-1)).toMatchObject({ byReference: true, status: 200 });
});

test('a cache too small for the few-shot set: each reference misses and is resent, then the sender gives up', async () => {
  // room for two processed clips, fewer than the examples: every uuid-only request finds some evicted
  const s = await sim({ mmProcessorCacheGb: (2.5 * processedItemBytes(560)) / GIB });
  const sent: Sent[] = [];
  const { ask, resends, sender } = setup(s.url, sent);
  await ask(); // warm-up
  for (let i = 0; i < GIVE_UP_AFTER_MISSES; i++) await ask();
  expect((await resends.get()).values[0]?.value).toBe(GIVE_UP_AFTER_MISSES);
  expect(sent.filter((x) => x.status === 400)).toHaveLength(GIVE_UP_AFTER_MISSES);
  expect(sender.form).toBe('full');
  await ask();
  expect(sent.at(-1)).toMatchObject({ byReference: false, status: 200 });
});
