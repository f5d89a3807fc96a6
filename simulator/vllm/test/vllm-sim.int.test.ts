import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { ModelVerdictSchema, VERDICT_JSON_SCHEMA } from '../../../functions/shared/src/verdict';
import { validate, type JsonSchema } from '../src/core/json-schema';
import { startVllmSim, type VllmSimHandle } from '../src/index';
import { extractJpegFrames, renderClip, videoFile, videoFrames } from './media-helpers';
import { CASES, drawboxFilter } from './synthetic-scene';
import { JPEG_VIDEO_METADATA_SINCE } from '../src/core/version';
import { postChat } from '../../../test/support/vllm-chat';

/** These tests send `data:video/jpeg` frame lists (the detector's cheapest input); vLLM accepts them for Qwen3-VL only from #37301 on. */
const JPEG_LIST_VERSION = JPEG_VIDEO_METADATA_SINCE;

jest.setTimeout(60000);

const MODEL = 'Qwen/Qwen3-VL-8B-Instruct';
const SYSTEM = 'You are a CCTV safety monitor. Answer in Korean (한국어) with JSON only.';
const format = { type: 'json_schema', json_schema: { name: 'verdict', schema: VERDICT_JSON_SCHEMA, strict: true } };

let dir: string;
let outside: string;
let sim: VllmSimHandle;
const clips = new Map<string, string>();
const frames = new Map<string, string[]>();

const chat = (body: Record<string, unknown>, base = sim.url) => postChat(base, { model: MODEL, ...body });

const ask = (content: unknown[], extra: Record<string, unknown> = {}) =>
  chat({
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: [...content, { type: 'text', text: 'Assess this clip.' }] },
    ],
    response_format: format,
    ...extra,
  });

const hazardTypes = (json: any): string[] =>
  (JSON.parse(json.choices[0].message.content).hazards as { type: string }[]).map((h) => h.type).sort();

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vllm-sim-media-'));
  outside = await mkdtemp(path.join(os.tmpdir(), 'vllm-sim-outside-'));
  await Promise.all(
    CASES.map(async (c) => {
      const clip = path.join(dir, `${c.name}.mp4`);
      await renderClip(clip, drawboxFilter(c.scene));
      clips.set(c.name, clip);
      frames.set(c.name, await extractJpegFrames(clip));
    }),
  );
  sim = await startVllmSim({ model: MODEL, vllmVersion: JPEG_LIST_VERSION, allowedMediaPath: dir });
}, 60000);

afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('vllm-sim over HTTP (a simulator of vLLM; the GPU model is what cannot exist here)', () => {
  it.each(CASES.map((c) => [c.name, c.expect] as const))(
    '%s: JPEG frames and file:// both yield the expected hazards',
    async (name, want) => {
      const byFrames = await ask([videoFrames(frames.get(name) ?? [])]);
      expect(byFrames.status).toBe(200);
      expect(hazardTypes(byFrames.json)).toEqual([...want].sort());
      const byFile = await ask([videoFile(clips.get(name) ?? '')]);
      expect(byFile.status).toBe(200);
      expect(hazardTypes(byFile.json)).toEqual([...want].sort());
    },
  );

  it('answers validate against the schema sent, in Korean when asked; images work too', async () => {
    const f = frames.get('person_fall') ?? [];
    const r = await ask(f.map((b64) => ({ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${b64}` } })));
    const verdict = JSON.parse(r.json.choices[0].message.content);
    expect(validate(verdict, VERDICT_JSON_SCHEMA as unknown as JsonSchema)).toEqual([]);
    expect(ModelVerdictSchema.parse(verdict)).toMatchObject({ status: 'danger', hazards: [{ type: 'person_fall' }] });
    expect(verdict.summary).toMatch(/위험/);
    const custom = {
      type: 'object',
      properties: { ok: { type: 'boolean' }, level: { type: 'integer', minimum: 1, maximum: 3 } },
      required: ['ok', 'level'],
      additionalProperties: false,
    };
    const c = await ask([videoFrames(f)], {
      response_format: { type: 'json_schema', json_schema: { name: 'other', schema: custom } },
    });
    expect(validate(JSON.parse(c.json.choices[0].message.content), custom as JsonSchema)).toEqual([]);
  });

  it('the breakSchema fault breaks exactly the next n answers', async () => {
    const post = await fetch(sim.url.replace(/\/v1$/, '/sim/faults'), {
      method: 'POST',
      body: JSON.stringify({ breakSchema: 2 }),
    });
    expect(post.status).toBe(200);
    const f = [videoFrames(frames.get('safe') ?? [])];
    const parse = (s: string) => {
      try {
        return ModelVerdictSchema.safeParse(JSON.parse(s)).success;
      } catch {
        return false;
      }
    };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await ask(f)).json.choices[0].message.content as string);
    expect(answers.map(parse)).toEqual([false, false, true]);
  });

  it('caches a repeated few-shot prefix and caches less when the few-shot order changes', async () => {
    sim.resetPrefixCache();
    const shots = (order: string[]) =>
      order.flatMap((n) => [
        {
          role: 'user',
          content: [videoFrames(frames.get(n) ?? [], `fewshot-${n}`), { type: 'text', text: 'Assess this clip.' }],
        },
        { role: 'assistant', content: JSON.stringify({ status: 'warning', hazards: [], summary: n }) },
      ]);
    const req = (order: string[], query: string) =>
      chat({
        messages: [
          { role: 'system', content: SYSTEM },
          ...shots(order),
          {
            role: 'user',
            content: [videoFrames(frames.get(query) ?? []), { type: 'text', text: 'Assess this clip.' }],
          },
        ],
        response_format: format,
        mm_processor_kwargs: { fps: 2 },
      });
    const first = await req(['no_hard_hat', 'fire'], 'safe');
    expect(first.json.usage.prompt_tokens_details).toBeUndefined(); // omitted when 0, as vLLM does
    const second = await req(['no_hard_hat', 'fire'], 'person_fall');
    const cached = second.json.usage.prompt_tokens_details?.cached_tokens ?? 0;
    expect(cached).toBeGreaterThan(0.6 * second.json.usage.prompt_tokens);
    expect(hazardTypes(second.json)).toEqual(['person_fall']); // the verdict is the query's, not the examples'
    const swapped = await req(['fire', 'no_hard_hat'], 'person_fall');
    expect(swapped.json.usage.prompt_tokens).toBe(second.json.usage.prompt_tokens);
    expect(swapped.json.usage.prompt_tokens_details?.cached_tokens ?? 0).toBeLessThan(cached / 4);
    expect(sim.metrics().prefixCacheHits).toBeGreaterThan(0);
  });

  it('rejects file:// outside the allowed path (also through a symlink) with a vLLM-style 400', async () => {
    const out = path.join(outside, 'x.mp4');
    await writeFile(out, 'not a video');
    const link = path.join(dir, 'escape.mp4');
    await symlink(out, link);
    for (const p of [out, link, path.join(dir, '..', path.basename(outside), 'x.mp4')]) {
      const r = await ask([videoFile(p)]);
      expect(r.status).toBe(400);
      expect(r.json).toEqual({
        error: {
          message: expect.stringMatching(/allowed-local-media-path/),
          type: 'BadRequestError',
          param: null,
          code: 400,
        },
      });
    }
  });

  it('404 for an unknown model, 400 for an unsupported content shape', async () => {
    const nf = await chat({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] });
    expect(nf.status).toBe(404);
    expect(nf.json.error).toMatchObject({ type: 'NotFoundError', code: 404, message: expect.stringContaining('nope') });
    const bad = await ask([{ type: 'input_audio', input_audio: { data: '', format: 'wav' } }]);
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/Unsupported content part type/);
  });

  it('serves /v1/models, /health (503 while unhealthy), /metrics with vLLM names, and works with the openai client', async () => {
    const client = new OpenAI({ baseURL: sim.url, apiKey: 'unused', maxRetries: 0 });
    expect((await client.models.list()).data.map((m) => m.id)).toEqual([MODEL]);
    const r = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Describe the scene.' }],
    });
    expect(r.choices[0]?.message.content).toMatch(/no hazards/i);
    const root = sim.url.replace(/\/v1$/, '');
    expect((await fetch(`${root}/health`)).status).toBe(200);
    sim.setFaults({ unhealthy: true });
    expect((await fetch(`${root}/health`)).status).toBe(503);
    expect((await chat({ messages: [{ role: 'user', content: 'hi' }] })).status).toBe(503);
    sim.setFaults({ unhealthy: false });
    const text = await (await fetch(`${root}/metrics`)).text();
    for (const name of [
      'vllm:prefix_cache_queries_total',
      'vllm:prefix_cache_hits_total',
      'vllm:num_requests_running',
      'vllm:num_requests_waiting',
      'vllm:e2e_request_latency_seconds_bucket',
      'vllm:prompt_tokens_total',
      'vllm:generation_tokens_total',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('queues beyond the max batch and takes the modelled time', async () => {
    const slow = await startVllmSim({
      model: MODEL,
      vllmVersion: JPEG_LIST_VERSION,
      maxBatch: 1,
      overheadMs: 150,
      decodeMsPerToken: 1,
      prefillUsPerToken: 10,
    });
    try {
      const t0 = performance.now();
      const reqs = [0, 1, 2].map(() => chat({ messages: [{ role: 'user', content: 'hi' }] }, slow.url));
      const deadline = Date.now() + 5000;
      while (slow.metrics().waiting < 2 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      expect(slow.metrics()).toMatchObject({ running: 1, waiting: 2 });
      await Promise.all(reqs);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(3 * 150);
      expect(slow.metrics()).toMatchObject({ running: 0, waiting: 0, requests: 3 });
    } finally {
      await slow.close();
    }
  });
});
