import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchContext } from './run';
import { timedChat, type ChatTiming } from './lib/chat';
import { makeClipLibrary } from '../test/support';
import { buildLoadKit, type PrefixVariant } from './lib/load';
import { startSimProcess } from './lib/sim-process';
import { percentile, type BenchTable } from './table';

/**
 * Benchmark 4: the few-shot prefix cache. Requests built by inference's own PromptKit, one at a
 * time, alternating a stable prefix (ours) with a prefix that changes per request, against
 * vllm-sim with its latency model: cached_tokens / prompt_tokens and time per clip.
 */
const CLIPS = 12;

export async function prefixCacheBench(ctx: BenchContext): Promise<BenchTable> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-prefix-'));
  const sim = await startSimProcess(ctx.env);
  try {
    const kit = await buildLoadKit(ctx.config, dir, await makeClipLibrary(dir, CLIPS));
    await timedChat(sim.url, kit.body('stable', CLIPS)); // warm-up: the first request fills the cache
    const t: Record<'stable' | 'changing', ChatTiming[]> = { stable: [], changing: [] };
    for (let i = 0; i < CLIPS; i++) {
      const order: ('stable' | 'changing')[] = i % 2 ? ['changing', 'stable'] : ['stable', 'changing'];
      for (const v of order) t[v].push(await timedChat(sim.url, kit.body(v, i)));
    }
    const stat = (v: PrefixVariant & keyof typeof t) => {
      const xs = t[v];
      const prompt = xs.reduce((a, x) => a + x.promptTokens, 0);
      const cached = xs.reduce((a, x) => a + x.cachedTokens, 0);
      const ms = xs.map((x) => x.ms);
      return {
        n: xs.length,
        prompt: prompt / xs.length,
        ratio: cached / prompt,
        mean: ms.reduce((a, b) => a + b, 0) / ms.length,
        p50: percentile(ms, 50),
      };
    };
    const s = stat('stable');
    const c = stat('changing');
    const vs = ctx.config.vllmSim;
    return {
      title: 'Prefix cache: stable few-shot prefix vs a prefix that changes per request (vllm-sim)',
      command: 'npm run bench -- prefix',
      columns: [
        'prefix',
        'requests',
        'prompt tokens per request',
        'cached_tokens / prompt_tokens',
        'mean s per clip',
        'p50 s per clip',
      ],
      rows: [
        [
          'stable (ours: system prompt + few-shot examples, byte-identical)',
          s.n,
          s.prompt,
          `${(100 * s.ratio).toFixed(1)} %`,
          s.mean / 1000,
          s.p50 / 1000,
        ],
        [
          'changing (one unique line at the start of the system prompt)',
          c.n,
          c.prompt,
          `${(100 * c.ratio).toFixed(1)} %`,
          c.mean / 1000,
          c.p50 / 1000,
        ],
        ['ratio changing / stable', '', '', '', `${(c.mean / s.mean).toFixed(2)}×`, `${(c.p50 / s.p50).toFixed(2)}×`],
      ],
      notes: [
        `${kit.fewShotCount} few-shot examples (functions/inference/fewshot), ${ctx.config.inference.videoInput} at ${ctx.config.inference.videoFps} fps, ${ctx.config.inference.videoMaxSide} px; ${CLIPS} distinct 5 s clips, one request at a time, the two variants alternating, after one warm-up request`,
        `vllm-sim (own process) latency model: prefill ${vs.prefillUsPerToken} µs per uncached token, decode ${vs.decodeMsPerToken} ms per output token, ${vs.overheadMs} ms overhead; 16-token cache blocks like vLLM. Times are the simulator's model of a GPU, not a GPU`,
      ],
    };
  } finally {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
