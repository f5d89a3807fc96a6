import { z } from 'zod';

/**
 * What `npm run bench -- server` records per run (BENCH_OUT, JSON): one row per concurrency, with
 * the server's prefix cache on or off (the operator restarts vLLM with --no-enable-prefix-caching
 * for the off run and says so with BENCH_PREFIX_CACHE=off).
 */
export const ServerRunSchema = z.object({
  concurrency: z.number().int().positive(),
  prefixCache: z.enum(['on', 'off']),
  clips: z.number().int().positive(),
  clipsPerSecond: z.number().positive(),
  p95Seconds: z.number().positive(),
  /** Means per request, as the server reported them in `usage`. */
  promptTokens: z.number().nonnegative(),
  cachedTokens: z.number().nonnegative(),
  completionTokens: z.number().nonnegative(),
});
export type ServerRun = z.infer<typeof ServerRunSchema>;

export const BenchResultSchema = z.object({
  server: z.string(),
  model: z.string(),
  clipSeconds: z.number().positive(),
  runs: z.array(ServerRunSchema).min(1),
});
export type BenchResult = z.infer<typeof BenchResultSchema>;

/** Share of the best throughput at which a concurrency counts as saturating the GPU. */
export const KNEE = 0.9;

/** μ and the service time from a measurement, and how they were read. */
export interface Measured {
  readonly mu: number;
  readonly serviceSeconds: number;
  readonly explain: readonly string[];
}

/**
 * μ = the best clips/s over the prefix-cache-on runs (throughput saturates: more in flight only
 * adds latency). Service time = the p95 latency of the lowest concurrency that reaches
 * {@link KNEE} × μ: the operating point the adaptive loop should sit at, not the slower tail of a
 * run that hoards requests.
 */
export function measuredFromBench(b: BenchResult): Measured {
  const on = b.runs.filter((r) => r.prefixCache === 'on').sort((x, y) => x.concurrency - y.concurrency);
  if (on.length === 0) throw new Error('the bench result has no run with the prefix cache on');
  const mu = Math.max(...on.map((r) => r.clipsPerSecond));
  const knee = on.find((r) => r.clipsPerSecond >= KNEE * mu) as ServerRun;
  const f = (x: number) => x.toFixed(2);
  const explain = [
    `measured on ${b.server} (${b.model}): ${on.map((r) => `c=${r.concurrency} → ${f(r.clipsPerSecond)} clips/s, p95 ${f(r.p95Seconds)} s, ${Math.round(r.promptTokens)} prompt / ${Math.round(r.cachedTokens)} cached / ${Math.round(r.completionTokens)} output tokens`).join('; ')}`,
    `μ = best throughput = ${f(mu)} clips/s; service time = p95 at c=${knee.concurrency}, the lowest concurrency within ${KNEE * 100} % of μ = ${f(knee.p95Seconds)} s`,
  ];
  const off = b.runs.filter((r) => r.prefixCache === 'off');
  if (off.length > 0) {
    const muOff = Math.max(...off.map((r) => r.clipsPerSecond));
    explain.push(`prefix cache off: ${f(muOff)} clips/s, so the cached few-shot prefix is worth × ${f(mu / muOff)}`);
  }
  return { mu, serviceSeconds: knee.p95Seconds, explain };
}
