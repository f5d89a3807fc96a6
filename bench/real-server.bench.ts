import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchContext } from './run';
import { makeClipLibrary } from '../test/support';
import { buildLoadKit, runLoad, type LoadResult, type PrefixVariant } from './lib/load';
import { startSimProcess, type SimProcess } from './lib/sim-process';
import type { BenchTable } from './table';
import { parseConcurrencies, sizingSweep } from './lib/sizing-sweep';

/**
 * Benchmark 6: the inference load pointed at any OpenAI-compatible server — a real vLLM with
 * Qwen3-VL on a GPU (VLLM_BASE_URL, VLLM_MODEL, VLLM_API_KEY), or vllm-sim when VLLM_BASE_URL is
 * unset. Per prefix variant: clips/s with INFERENCE_CONCURRENCY in flight, time to first token
 * (streaming requests, one at a time) and the cached-token ratio. Never run in CI.
 */
const THROUGHPUT_CLIPS = 24;
const TTFT_REQUESTS = 6;
const VARIANTS: [PrefixVariant, string][] = [
  ['stable', 'few-shot prefix on, stable (ours)'],
  ['changing', 'few-shot prefix on, changed per request'],
  ['zero-shot', 'few-shot prefix off (system prompt only)'],
];

const sec = (ms: number | undefined) => (ms === undefined ? '–' : (ms / 1000).toFixed(3));

export async function realServerBench(ctx: BenchContext): Promise<BenchTable[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-server-'));
  let sim: SimProcess | undefined;
  try {
    const target = ctx.config.common.vllmBaseUrl ?? (sim = await startSimProcess(ctx.env)).url;
    const kit = await buildLoadKit(ctx.config, dir, await makeClipLibrary(dir, THROUGHPUT_CLIPS));
    const concurrency = ctx.config.inference.concurrency ?? 4; // unset = adaptive in the pod; this load generator needs a fixed number
    const apiKey = ctx.config.inference.apiKey;
    await runLoad(target, kit, 'stable', { count: 1, concurrency: 1, stream: false, apiKey, offset: 10_000 }); // warm-up: fills the prefix cache
    const rows: (string | number)[][] = [];
    let offset = 0;
    for (const [variant, label] of VARIANTS) {
      console.error(`bench server: ${label} …`);
      const load: LoadResult = await runLoad(target, kit, variant, {
        count: THROUGHPUT_CLIPS,
        concurrency,
        stream: false,
        apiKey,
        offset,
      });
      offset += THROUGHPUT_CLIPS;
      const ttft: LoadResult = await runLoad(target, kit, variant, {
        count: TTFT_REQUESTS,
        concurrency: 1,
        stream: true,
        apiKey,
        offset,
      });
      offset += TTFT_REQUESTS;
      rows.push([
        label,
        load.requests,
        load.clipsPerSecond,
        sec(load.p50Ms),
        sec(load.p95Ms),
        sec(ttft.ttftP50Ms),
        sec(ttft.serverTtftMs),
        `${(100 * load.cachedRatio).toFixed(1)} %`,
        Math.round(load.timings.reduce((a, t) => a + t.promptTokens, 0) / load.requests),
      ]);
    }
    const tables: BenchTable[] = [];
    const concurrencies = parseConcurrencies(ctx.env.BENCH_CONCURRENCIES);
    if (concurrencies) {
      const sweep = await sizingSweep({
        target,
        model: ctx.config.common.vllmModel,
        kit,
        apiKey,
        concurrencies,
        prefixCache: ctx.env.BENCH_PREFIX_CACHE === 'off' ? 'off' : 'on',
        clipsPerRun: THROUGHPUT_CLIPS,
        clipSeconds: ctx.config.common.segmentSeconds,
        offset,
        out: ctx.env.BENCH_OUT,
      });
      tables.push(sweep.table);
    }
    tables.unshift({
      title: `Real-server harness: ${sim ? 'vllm-sim (proof run — not a GPU)' : target}`,
      command: 'VLLM_BASE_URL=http://<host>:8000/v1 VLLM_MODEL=Qwen/Qwen3-VL-8B-Instruct npm run bench -- server',
      columns: [
        'prefix',
        'clips',
        'clips/s',
        'p50 s per clip',
        'p95 s per clip',
        'TTFT p50 s (client, streaming)',
        'TTFT mean s (server /metrics)',
        'cached_tokens / prompt_tokens',
        'prompt tokens per clip',
      ],
      rows,
      notes: [
        `server: ${target} (model ${ctx.config.common.vllmModel}); ${kit.fewShotCount} few-shot examples; ${ctx.config.inference.videoInput}, VIDEO_SAMPLING=${ctx.config.inference.videoSampling}, ${ctx.config.inference.videoFps} fps, ${ctx.config.inference.videoMaxSide} px`,
        `throughput: ${THROUGHPUT_CLIPS} distinct 5 s clips with INFERENCE_CONCURRENCY=${concurrency} in flight; TTFT: ${TTFT_REQUESTS} streaming requests one at a time (– when the server does not stream: vllm-sim answers stream=true with 400, so the client column is empty and the server's histogram is used)`,
      ],
    });
    return tables;
  } finally {
    await sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
