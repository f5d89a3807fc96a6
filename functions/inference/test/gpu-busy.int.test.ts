import fs from 'node:fs/promises';
import path from 'node:path';
import type { VllmSimHandle } from '../../../simulator/vllm/src';
import { clipStamp, type ClipJob } from '../../shared/src/clip-job';
import { modelClipPaths } from '../../shared/src/model-clip';
import { makeModelClip } from '../src/adapters/ffmpeg';
import type { InferenceHandle } from '../src/app/start-inference';
import { tempDir, verdicts } from './helpers';
import { inferenceSuite } from './suite';
import { clipJobFor, waitUntil, makeTestClip } from '../../../test/support';

jest.setTimeout(180_000);

/** Issue #13 parts 3–4 through the real pull loop: real Redis, ffmpeg, vllm-sim. */
describe('inference keeps the GPU busy', () => {
  const suite = inferenceSuite();
  const { redis, cleanups, sim, start } = suite;
  const setup = (s: VllmSimHandle, over: Record<string, string | undefined>) =>
    suite.setup('busy', { VLLM_BASE_URL: s.url, ...over });
  /** A static 5 s scene of one gray level (an empty, unchanging yard), as capture would cut it. */
  async function staticClip(clipsDir: string, cameraId: string, startedAt: Date, gray: number): Promise<ClipJob> {
    const rel = `${cameraId}/${clipStamp(startedAt)}.mp4`;
    const hex = gray.toString(16).padStart(2, '0');
    await makeTestClip(path.join(clipsDir, rel), {
      source: `color=c=0x${hex}${hex}${hex}`,
      width: 640,
      height: 360,
      fps: 10,
      seconds: 5,
    });
    return clipJobFor(clipsDir, rel, cameraId, startedAt, 5000);
  }
  const metric = async (h: InferenceHandle, name: string) =>
    Number(
      /^(\S+) (\S+)$/m.exec((await h.registry.getSingleMetricAsString(name)).split('\n').at(-1) ?? '')?.[2] ?? NaN,
    );

  test('unchanged scene after a safe verdict: stored safe with skipped/repeats, event published, acked; a changed one is judged', async () => {
    const s = await sim({});
    // threshold 2: this test is about the rules and the commit path; the default is measured elsewhere
    const { clipsDir, config, keys, queue } = await setup(s, {
      INFERENCE_PIPELINE: 'sequential',
      UNCHANGED_THRESHOLD: '2',
    });
    const h = await start(config);
    const t0 = new Date('2026-12-02T11:00:00Z');
    const a = await staticClip(clipsDir, 'camg', t0, 0x80);
    const b = await staticClip(clipsDir, 'camg', new Date(t0.getTime() + 5000), 0x81); // 1 gray level: unchanged
    const c = await staticClip(clipsDir, 'camg', new Date(t0.getTime() + 10_000), 0xe0); // lights on: changed
    await queue.enqueue(a);
    await waitUntil(async () => (await verdicts(redis, keys.verdicts)).length === 1, {
      timeoutMs: 60_000,
      what: 'A judged',
    });
    const requestsAfterA = s.metrics().requests;
    expect((await verdicts(redis, keys.verdicts))[0]).toMatchObject({ jobId: a.id, status: 'safe' });
    await queue.enqueue(b);
    await waitUntil(async () => (await verdicts(redis, keys.verdicts)).length === 2, {
      timeoutMs: 60_000,
      what: 'B stored',
    });
    const vb = (await verdicts(redis, keys.verdicts))[1] as Record<string, unknown>;
    expect(vb).toMatchObject({ jobId: b.id, status: 'safe', skipped: 'unchanged', repeats: a.id });
    expect(s.metrics().requests).toBe(requestsAfterA); // no model request for B
    expect(await redis.exists(keys.verdictDone(b.id))).toBe(1);
    await waitUntil(
      () =>
        suite.sink.events.some(
          (e) => e.type.endsWith('verdict.created') && (e.data as { jobId?: string }).jobId === b.id,
        ),
      { timeoutMs: 10_000, what: 'B verdict.created published' },
    );
    const published = suite.sink.events.find((e) => (e.data as { jobId?: string }).jobId === b.id)!;
    expect(published.data).toMatchObject({ skipped: 'unchanged', repeats: a.id });
    await waitUntil(async () => (await redis.llen(keys.processing(h.consumerId))) === 0, {
      timeoutMs: 10_000,
      what: 'B acked',
    });
    expect(await metric(h, 'safetyhanta_inference_gate_skipped_total')).toBe(1);
    await queue.enqueue(c);
    await waitUntil(async () => (await verdicts(redis, keys.verdicts)).length === 3, {
      timeoutMs: 60_000,
      what: 'C judged',
    });
    expect((await verdicts(redis, keys.verdicts))[2]).not.toHaveProperty('skipped');
    expect(s.metrics().requests).toBe(requestsAfterA + 1);
  });

  /** N jobs on one capture-made model clip (video-file: no decode per job), so only the model loop sets the pace. */
  async function loadJobs(clipsDir: string, n: number): Promise<ClipJob[]> {
    const base = await staticClip(clipsDir, 'camc', new Date('2026-12-02T11:00:00Z'), 0x40);
    const rel = modelClipPaths(base.path);
    await fs.mkdir(path.join(clipsDir, path.dirname(rel.clip)), { recursive: true });
    const info = await makeModelClip(path.join(clipsDir, base.path), path.join(clipsDir, rel.clip), {
      sampling: 'fps',
      fps: 2,
      maxSide: 448,
    });
    const model = { path: rel.clip, fps: info.fps, frames: info.frames, sampling: 'fps' as const, maxSide: 448 };
    return Array.from({ length: n }, (_, i) => ({ ...base, id: `${base.id}-${i}`, model }));
  }
  async function watchLimit(h: InferenceHandle, until: (seen: number[]) => boolean, what: string): Promise<number[]> {
    const seen: number[] = [];
    await waitUntil(
      async () => {
        seen.push(await metric(h, 'safetyhanta_inference_concurrency_limit'));
        return until(seen);
      },
      { timeoutMs: 90_000, what: what },
    );
    return seen;
  }
  const adaptive = (clipsDir: string) => ({
    INFERENCE_CONCURRENCY: undefined, // unset: adaptive
    INFERENCE_MAX_CONCURRENCY: '32',
    VIDEO_INPUT: 'video-file',
    UNCHANGED_GATE: 'false',
    VLLM_METRICS_INTERVAL_MS: '100',
    PREPARE_WORKERS: '2',
    CLIPS_DIR: clipsDir,
  });

  test('adaptive concurrency grows with spare server capacity (VLLM_SIM_MAX_BATCH 64)', async () => {
    const clipsDir = await tempDir('busy-grow');
    cleanups.push(() => fs.rm(clipsDir, { recursive: true, force: true }));
    const s = await sim({ maxBatch: 64, overheadMs: 300, analysis: false, allowedMediaPath: clipsDir });
    const { config, queue } = await setup(s, adaptive(clipsDir));
    for (const j of await loadJobs(clipsDir, 300)) await queue.enqueue(j);
    const h = await start(config);
    const seen = await watchLimit(h, (v) => (v.at(-1) ?? 0) >= 16, 'limit ≥ 16');
    expect(seen[0]).toBeLessThan(16);
    expect(s.metrics().waiting).toBe(0);
  });

  test('adaptive concurrency shrinks when the server queues (VLLM_SIM_MAX_BATCH 2)', async () => {
    const clipsDir = await tempDir('busy-shrink');
    cleanups.push(() => fs.rm(clipsDir, { recursive: true, force: true }));
    const s = await sim({ maxBatch: 2, overheadMs: 200, analysis: false, allowedMediaPath: clipsDir });
    const { config, queue } = await setup(s, adaptive(clipsDir));
    for (const j of await loadJobs(clipsDir, 300)) await queue.enqueue(j);
    const h = await start(config);
    // it starts at 4 > 2: the server queues, so the limit must come down below where it was
    const seen = await watchLimit(
      h,
      (v) => v.length > 1 && (v.at(-1) ?? 99) < Math.max(...v),
      'limit decreased after the server queued',
    );
    expect(Math.min(...seen.slice(seen.indexOf(Math.max(...seen))))).toBeLessThan(Math.max(...seen));
    // and it stays near the server's batch: never far above 2 × max batch afterwards
    const later = await watchLimit(h, (v) => v.length >= 20, '20 more samples');
    expect(Math.max(...later)).toBeLessThanOrEqual(6);
  });
});
