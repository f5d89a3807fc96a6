import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { VERDICT_JSON_SCHEMA } from '../../../functions/shared/src/verdict';
import { GIB, ProcessorCache, cacheMissMessage, processedItemBytes } from '../src/core/processor-cache';
import { startVllmSim, type VllmSimHandle } from '../src/index';
import { postChat } from '../../../test/support/vllm-chat';

/**
 * vllm-sim's multimodal processor cache, as vLLM v0.12.0 has it (issue #27.4;
 * src/core/processor-cache.ts cites the upstream lines): an LRU by bytes of
 * `mm_processor_cache_gb`, keyed by the part's uuid (with the processor kwargs); a part with a
 * uuid and no media hits, or gets upstream's 400; eviction when full; parts without media
 * refused before v0.11.0 (vllm PR #23950).
 */
const MODEL = 'Qwen/Qwen3-VL-8B-Instruct';
const FEWSHOT = path.join(__dirname, '../../../functions/inference/fewshot');
const format = { type: 'json_schema', json_schema: { name: 'verdict', schema: VERDICT_JSON_SCHEMA, strict: true } };
const KWARGS = { mm_processor_kwargs: { fps: 2, do_sample_frames: false } };
const sims: VllmSimHandle[] = [];
const clips: Buffer[] = [];

afterAll(async () => {
  for (const s of sims) await s.close();
});
beforeAll(async () => {
  for (const d of ['01-safe', '02-no_hard_hat', '04-fire', '05-person_fall'])
    clips.push(await readFile(path.join(FEWSHOT, d, 'clip.mp4')));
});

const withMedia = (i: number) => ({
  type: 'video_url',
  video_url: { url: `data:video/mp4;base64,${clips[i]!.toString('base64')}` },
  uuid: `ex${i}`,
});
const uuidOnly = (uuid: string) => ({ type: 'video_url', video_url: null, uuid });

/** One few-shot turn (the part under test), then the clip under analysis (always with its media). */
function chat(sim: VllmSimHandle, example: unknown) {
  return postChat(sim.url, {
    model: MODEL,
    messages: [
      { role: 'user', content: [example, { type: 'text', text: 'Example.' }] },
      { role: 'assistant', content: '{"s":"safe"}' },
      { role: 'user', content: [withMedia(0), { type: 'text', text: 'Assess this clip.' }] },
    ],
    response_format: format,
    ...KWARGS,
  });
}
async function sim(options: Parameters<typeof startVllmSim>[0]): Promise<VllmSimHandle> {
  const s = await startVllmSim({ model: MODEL, analysis: false, ...options });
  sims.push(s);
  return s;
}

describe('the LRU by bytes (pure)', () => {
  test('evicts the least recently used until the new item fits; a hit refreshes; too large is not kept', () => {
    const c = new ProcessorCache<string>(100);
    c.put('a', 'A', 40);
    c.put('b', 'B', 40);
    expect(c.get('a')).toBe('A'); // a is now the most recent
    c.put('c', 'C', 40); // evicts b
    expect([c.has('a'), c.has('b'), c.has('c')]).toEqual([true, false, true]);
    expect(c.usedBytes).toBe(80);
    c.put('huge', 'H', 101);
    expect(c.has('huge')).toBe(false);
    expect(c.evictions).toBe(1);
    expect(new ProcessorCache(0).enabled).toBe(false);
  });
  test('a Qwen3-VL item is its float32 pixel patches: 4 patches of 1536 values per token', () => {
    expect(processedItemBytes(560)).toBe(560 * 4 * 1536 * 4); // a 10-frame 448×256 model clip: 13.8 MB
    expect(cacheMissMessage('video', 3)).toBe('Cache miss for video at index 3 but data is not provided.');
  });
});

describe('through the server (vLLM 0.12.0 by default)', () => {
  test('a uuid seen with its media is a hit without it: same prompt tokens; an unknown uuid is upstream’s 400', async () => {
    const s = await sim({});
    const full = await chat(s, withMedia(1));
    expect(full.status).toBe(200);
    const ref = await chat(s, uuidOnly('ex1'));
    expect(ref.status).toBe(200);
    expect(ref.json.usage.prompt_tokens).toBe(full.json.usage.prompt_tokens);
    const miss = await chat(s, uuidOnly('never-sent'));
    expect(miss.status).toBe(400);
    expect(miss.json.error).toMatchObject({
      type: 'BadRequestError',
      message: 'Cache miss for video at index 0 but data is not provided.',
    });
  });

  test('eviction: a cache holding two items forgets the oldest uuid, which then answers 400', async () => {
    const oneItem = processedItemBytes(560);
    const s = await sim({ mmProcessorCacheGb: (2.5 * oneItem) / GIB });
    for (const i of [1, 2]) expect((await chat(s, withMedia(i))).status).toBe(200);
    // ex0 (the clip under analysis) entered too: ex1 was the oldest and is gone
    expect((await chat(s, uuidOnly('ex2'))).status).toBe(200);
    const evicted = await chat(s, uuidOnly('ex1'));
    expect(evicted.status).toBe(400);
    expect(evicted.json.error.message).toMatch(/^Cache miss for video at index 0/);
  });

  test('mm_processor_cache_gb 0: nothing is cached, every uuid-only part is refused', async () => {
    const s = await sim({ mmProcessorCacheGb: 0 });
    expect((await chat(s, withMedia(1))).status).toBe(200);
    expect((await chat(s, uuidOnly('ex1'))).status).toBe(400);
  });

  test('vLLM 0.10.2 (before PR #23950): a part without media is refused even when seen', async () => {
    const s = await sim({ vllmVersion: '0.10.2' });
    expect((await chat(s, withMedia(1))).status).toBe(200);
    const r = await chat(s, uuidOnly('ex1'));
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/needs its URL/);
  });
});
