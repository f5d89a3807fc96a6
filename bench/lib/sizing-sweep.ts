import fs from 'node:fs';
import { BenchResultSchema, type BenchResult, type ServerRun } from '../../scripts/size/bench-result';
import { runLoad, type LoadKit } from './load';
import type { BenchTable } from '../table';

/**
 * The measurement `npm run size -- --bench` reads (scripts/size/bench-result.ts): the stable
 * (our) request body at each of BENCH_CONCURRENCIES, with the server's prefix cache as
 * BENCH_PREFIX_CACHE says (`off` = the operator restarted vLLM with --no-enable-prefix-caching),
 * appended to BENCH_OUT so an on run and an off run land in one file.
 */
export interface SweepOptions {
  target: string;
  model: string;
  kit: LoadKit;
  apiKey: string | undefined;
  concurrencies: readonly number[];
  prefixCache: 'on' | 'off';
  /** Requests per concurrency (at least 3 × the concurrency, so the run reaches steady state). */
  clipsPerRun: number;
  clipSeconds: number;
  offset: number;
  out: string | undefined;
}

/**
 * The library has a few dozen clips; a sweep sends hundreds. A repeated clip would hit the prefix
 * cache with its query tokens too (a real camera never repeats a clip), so each request's final
 * media parts get a uuid of their own: the server then treats them as new items, as it would a new clip.
 */
export function freshQueries(kit: LoadKit, runTag: string): LoadKit {
  return {
    ...kit,
    body: (variant, i) => {
      const body = kit.body(variant, i) as { messages: { role: string; content: unknown }[] };
      const last = body.messages.at(-1) as { content: { type: string; uuid?: string }[] };
      const content = last.content.map((p) =>
        p.type === 'text' ? p : { ...p, uuid: `${p.uuid ?? 'query'}-${runTag}-${i}` },
      );
      return { ...body, messages: [...body.messages.slice(0, -1), { ...last, content }] };
    },
  };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export async function sizingSweep(o: SweepOptions): Promise<{ result: BenchResult; table: BenchTable }> {
  const runs: ServerRun[] = [];
  let offset = o.offset;
  for (const concurrency of o.concurrencies) {
    const count = Math.max(o.clipsPerRun, 3 * concurrency);
    const load = await runLoad(o.target, freshQueries(o.kit, `${Date.now()}-c${concurrency}`), 'stable', {
      count,
      concurrency,
      stream: false,
      apiKey: o.apiKey,
      offset,
    });
    offset += count;
    runs.push({
      concurrency,
      prefixCache: o.prefixCache,
      clips: load.requests,
      clipsPerSecond: load.clipsPerSecond,
      p95Seconds: load.p95Ms / 1000,
      promptTokens: mean(load.timings.map((t) => t.promptTokens)),
      cachedTokens: mean(load.timings.map((t) => t.cachedTokens)),
      completionTokens: mean(load.timings.map((t) => t.completionTokens)),
    });
  }
  const earlier =
    o.out && fs.existsSync(o.out) ? BenchResultSchema.parse(JSON.parse(fs.readFileSync(o.out, 'utf8'))) : undefined;
  const result: BenchResult = {
    server: o.target,
    model: o.model,
    clipSeconds: o.clipSeconds,
    runs: [...(earlier?.runs.filter((r) => r.prefixCache !== o.prefixCache) ?? []), ...runs],
  };
  if (o.out) fs.writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
  const f = (x: number, d = 2) => x.toFixed(d);
  return {
    result,
    table: {
      title: `Sizing sweep (prefix cache ${o.prefixCache}): ${o.target}`,
      command: `BENCH_CONCURRENCIES=${o.concurrencies.join(',')} BENCH_PREFIX_CACHE=${o.prefixCache} BENCH_OUT=bench.json npm run bench -- server; then npm run size -- --cameras N --bench bench.json`,
      columns: [
        'concurrency',
        'clips',
        'clips/s (μ candidate)',
        'p95 s',
        'prompt tokens',
        'cached tokens',
        'output tokens',
      ],
      rows: runs.map((r) => [
        r.concurrency,
        r.clips,
        f(r.clipsPerSecond),
        f(r.p95Seconds),
        Math.round(r.promptTokens),
        Math.round(r.cachedTokens),
        f(r.completionTokens, 1),
      ]),
      notes: [
        o.out ? `written to ${o.out} (runs with the other prefix-cache setting kept)` : 'BENCH_OUT unset: not written',
      ],
    },
  };
}

/** BENCH_CONCURRENCIES=8,16,32 → [8, 16, 32]; unset → undefined (no sweep). */
export function parseConcurrencies(raw: string | undefined): number[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1 || n > 1024))
    throw new Error(`BENCH_CONCURRENCIES must be integers 1–1024, comma-separated (got "${raw}")`);
  return list;
}
