import pino from 'pino';
import { Counter, Registry } from 'prom-client';
import type { BenchContext } from './run';
import { loadFewShot } from '../functions/inference/src/adapters/fewshot';
import { FewShotSender } from '../functions/inference/src/adapters/fewshot-sender';
import { VllmClient } from '../functions/inference/src/adapters/vllm-client';
import { judge } from '../functions/inference/src/app/judge';
import { createPromptKit, type FewShotForm } from '../functions/inference/src/core/prompt-kit';
import { GIB, processedItemBytes } from '../simulator/vllm/src/core/processor-cache';
import { cpuSecondsWithChildren } from './lib/proc-stats';
import { startSimProcess } from './lib/sim-process';
import type { BenchTable } from './table';

/**
 * `npm run bench -- fewshot` (issue #27.4): the few-shot videos inline in every request vs once,
 * then as uuid-only parts. Request bytes and vllm-sim's CPU per request (latency knobs 0, so only
 * its own work: JSON parse, base64, MP4 header, hashing, tokens), through inference's own prompt
 * kit, client and sender; then the resends under a processor cache too small for the few-shot set.
 */
const N = 30;

export async function fewShotBench(ctx: BenchContext): Promise<BenchTable> {
  const examples = await loadFewShot(ctx.config.inference.fewshotDir);
  const kit = createPromptKit({
    examples,
    cameras: undefined,
    mode: 'video-frames',
    language: 'en',
    fps: examples[0]!.media.fps,
    model: ctx.config.common.vllmModel,
    maxTokens: 300,
  });
  const clip = examples[3]!.media; // a model clip as the clip under analysis (no render needed)
  const logger = pino({ level: 'silent' });
  const rows: (string | number)[][] = [];
  const quiet = { VLLM_SIM_PREFILL_US_PER_TOKEN: '0', VLLM_SIM_DECODE_MS_PER_TOKEN: '0', VLLM_SIM_OVERHEAD_MS: '0' };

  const run = async (label: string, cacheGb: string, forms: FewShotForm | 'sender') => {
    const sim = await startSimProcess(ctx.env, { ...quiet, VLLM_SIM_MM_PROCESSOR_CACHE_GB: cacheGb });
    try {
      let bytes = 0;
      const counting: typeof fetch = (input, init) => {
        if (init?.method === 'POST' && typeof init.body === 'string') bytes += Buffer.byteLength(init.body);
        return fetch(input, init);
      };
      const client = new VllmClient({
        baseUrl: sim.url,
        apiKey: undefined,
        timeoutMs: 60_000,
        maxRetries: 0,
        logger,
        fetch: counting,
      });
      const resends = new Counter({ name: 'r', help: 'h', registers: [new Registry()] });
      const sender = new FewShotSender({ enabled: forms !== 'full', resends, logger });
      const ask = () =>
        sender.send(
          (f) => kit.body('cam1', clip, undefined, f),
          (b) => judge(client, b),
        );
      await ask(); // warm-up: module load, and the media in the processor cache
      await ask();
      bytes = 0;
      const c0 = cpuSecondsWithChildren(sim.part.pid) ?? NaN;
      for (let i = 0; i < N; i++) await ask();
      const cpuMs = (((cpuSecondsWithChildren(sim.part.pid) ?? NaN) - c0) * 1000) / N;
      const resent = (await resends.get()).values[0]?.value ?? 0;
      rows.push([label, cacheGb, Math.round(bytes / N), cpuMs, resent]);
    } finally {
      await sim.stop();
    }
  };
  await run('media in every request (FEWSHOT_BY_REFERENCE=false)', '4', 'full');
  await run('once, then uuid-only', '4', 'ref');
  // room for 2.5 processed clips: fewer than the 6 examples + the clip, so references keep missing
  const tiny = ((2.5 * processedItemBytes(560)) / GIB).toFixed(4);
  await run('once, then uuid-only; cache too small', tiny, 'sender');
  return {
    title: `Few-shot videos once, then by uuid reference (issue #27.4; ${N} requests after 2 warm-up)`,
    command: 'npm run bench -- fewshot',
    columns: [
      'few-shot media',
      'mm_processor_cache_gb',
      'request bytes',
      'vllm-sim CPU ms/request',
      'resends (of N+2)',
    ],
    rows,
    notes: [
      'bytes = POST bodies sent (resends included) / N; CPU = vllm-sim process user+sys over the N requests / N',
      'with the tiny cache every reference misses (400, resent whole) until the sender gives up after 3 misses in a row and sends the media',
    ],
  };
}
