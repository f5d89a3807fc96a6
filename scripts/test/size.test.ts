import { BenchResultSchema, measuredFromBench, type BenchResult } from '../size/bench-result';
import { DEFAULT_REQUIREMENTS, SOURCED_C, camerasWithGate, deriveSizing, muFromCoefficients } from '../size/derive';

/** `npm run size` derivations (pure): from a synthetic `npm run bench -- server` result and from the sourced coefficients. */
const bench: BenchResult = BenchResultSchema.parse({
  server: 'http://gpu:8000/v1',
  model: 'Qwen/Qwen3-VL-8B-Instruct',
  clipSeconds: 5,
  runs: [
    {
      concurrency: 8,
      prefixCache: 'on',
      clips: 96,
      clipsPerSecond: 10,
      p95Seconds: 0.8,
      promptTokens: 5049,
      cachedTokens: 4384,
      completionTokens: 23,
    },
    {
      concurrency: 16,
      prefixCache: 'on',
      clips: 96,
      clipsPerSecond: 19,
      p95Seconds: 0.9,
      promptTokens: 5049,
      cachedTokens: 4384,
      completionTokens: 23,
    },
    {
      concurrency: 32,
      prefixCache: 'on',
      clips: 96,
      clipsPerSecond: 20,
      p95Seconds: 1.6,
      promptTokens: 5049,
      cachedTokens: 4384,
      completionTokens: 23,
    },
    {
      concurrency: 16,
      prefixCache: 'off',
      clips: 96,
      clipsPerSecond: 5,
      p95Seconds: 3.1,
      promptTokens: 5049,
      cachedTokens: 0,
      completionTokens: 23,
    },
  ],
});

describe('npm run size (pure derivations)', () => {
  it('reads μ as the best throughput and the service time at the knee (the lowest concurrency within 90 % of μ)', () => {
    const m = measuredFromBench(bench);
    expect(m.mu).toBe(20);
    expect(m.serviceSeconds).toBe(0.9); // c=16 reaches 19 ≥ 18; c=32's 1.6 s is hoarding, not service
    expect(m.explain.join('\n')).toContain(
      'prefix cache off: 5.00 clips/s, so the cached few-shot prefix is worth × 4.00',
    );
  });

  it('derives every setting from μ and the service time, for 500 cameras', () => {
    const m = measuredFromBench(bench);
    const s = deriveSizing(m.mu, m.serviceSeconds, { ...DEFAULT_REQUIREMENTS, cameras: 500 }, 'synthetic');
    expect(s).toMatchObject({
      camerasPerGpu: 100, // ⌊20 × 5⌋
      latencyBudgetMs: 1900, // 0.9 s + 1 s
      listLength: 162, // 20 × (10 − 0.9 − 1)
      inFlightLength: 38, // 20 × (0.9 + 1)
      minReplicas: 1,
      maxReplicas: 6, // ⌈100 clips/s / 20⌉ + 1 spare
    });
    expect(s.explain).toHaveLength(8);
  });

  it('the sourced coefficients give ≥ 100 cameras per H100 without the gate; the gate is stated on its own', () => {
    const mu = muFromCoefficients(SOURCED_C);
    expect(1000 / mu).toBeCloseTo(665 * 0.0248 + 23 * 1.08, 6);
    const s = deriveSizing(mu, SOURCED_C.serviceSeconds, { ...DEFAULT_REQUIREMENTS, cameras: 100 }, SOURCED_C.label);
    expect(s.camerasPerGpu).toBeGreaterThanOrEqual(100);
    expect(s.maxReplicas).toBe(2);
    expect(camerasWithGate(s.camerasPerGpu, 0.48)).toBe(Math.floor(s.camerasPerGpu / 0.52));
    expect(() => camerasWithGate(100, 1)).toThrow();
  });

  it('refuses a measurement that leaves no queue wait in the verdict budget, and a bench without a prefix-cache-on run', () => {
    expect(() => deriveSizing(20, 9.5, { ...DEFAULT_REQUIREMENTS, cameras: 10 }, 'slow')).toThrow(/no queue wait fits/);
    expect(() => measuredFromBench({ ...bench, runs: bench.runs.filter((r) => r.prefixCache === 'off') })).toThrow(
      /prefix cache on/,
    );
  });
});
