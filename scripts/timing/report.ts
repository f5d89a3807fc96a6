// Pure part of `npm run test:timing`: Jest's `--json` result files in, a per-suite time table out. The JSON shape
// is Jest's AggregatedResult (https://github.com/jestjs/jest/blob/main/packages/jest-test-result/src/types.ts:
// testResults[].name/startTime/endTime/status/assertionResults[].duration), read through zod so a changed format
// fails loudly instead of printing zeros.
import path from 'node:path';
import { z } from 'zod';

const assertionSchema = z.object({
  fullName: z.string(),
  status: z.string(),
  duration: z.number().nullable().optional(),
});

const suiteSchema = z.object({
  name: z.string(),
  startTime: z.number(),
  endTime: z.number(),
  status: z.string(),
  assertionResults: z.array(assertionSchema),
});

export const jestResultSchema = z.object({
  startTime: z.number(),
  numTotalTests: z.number(),
  numFailedTests: z.number(),
  success: z.boolean(),
  testResults: z.array(suiteSchema),
});

export type JestResult = z.infer<typeof jestResultSchema>;

/** One Jest run (a tier: the parallel group or the serial one) as the file it was written to. */
export interface TierResult {
  tier: string;
  result: JestResult;
}

export interface SuiteTime {
  tier: string;
  file: string;
  seconds: number;
  /** CPU seconds of the suite and the processes it reaped (test/support/jest-cpu.ts), when logged. */
  cpuSeconds: number | undefined;
  tests: number;
  status: string;
}

export interface TierSummary {
  tier: string;
  suites: number;
  tests: number;
  failed: number;
  /** first suite start to last suite end: what the run cost in wall time. */
  wallSeconds: number;
  /** the suites' own times added up: what the run would cost on one worker. */
  suiteSeconds: number;
  /** CPU seconds of the logged suites added up (0 when none were logged). */
  cpuSeconds: number;
}

export interface TimingReport {
  tiers: TierSummary[];
  suites: SuiteTime[];
  slowestTests: { file: string; name: string; seconds: number }[];
}

const seconds = (ms: number): number => ms / 1000;

/** One line of the CPU log test/support/jest-cpu.ts appends. */
export const cpuLineSchema = z.object({ file: z.string(), cpuSeconds: z.number() });

/**
 * The report: every suite, slowest first, and each tier's wall time next to its summed suite time.
 * `cpu` maps absolute test file paths to CPU seconds (from the CPU log), when there is one.
 */
export function timingReport(
  runs: readonly TierResult[],
  rootDir: string,
  topTests = 10,
  cpu: ReadonlyMap<string, number> = new Map(),
): TimingReport {
  const suites: SuiteTime[] = [];
  const tests: TimingReport['slowestTests'] = [];
  const tiers = runs.map(({ tier, result }) => {
    let first = Infinity;
    let last = -Infinity;
    let sum = 0;
    let cpuSum = 0;
    for (const s of result.testResults) {
      const file = path.relative(rootDir, s.name);
      const secs = seconds(s.endTime - s.startTime);
      first = Math.min(first, s.startTime);
      last = Math.max(last, s.endTime);
      sum += secs;
      const cpuSeconds = cpu.get(s.name);
      cpuSum += cpuSeconds ?? 0;
      suites.push({ tier, file, seconds: secs, cpuSeconds, tests: s.assertionResults.length, status: s.status });
      for (const a of s.assertionResults) tests.push({ file, name: a.fullName, seconds: seconds(a.duration ?? 0) });
    }
    const wallSeconds = result.testResults.length > 0 ? seconds(last - first) : 0;
    return {
      tier,
      suites: result.testResults.length,
      tests: result.numTotalTests,
      failed: result.numFailedTests,
      wallSeconds,
      suiteSeconds: sum,
      cpuSeconds: cpuSum,
    };
  });
  suites.sort((a, b) => b.seconds - a.seconds);
  tests.sort((a, b) => b.seconds - a.seconds);
  return { tiers, suites, slowestTests: tests.slice(0, topTests) };
}

const pad = (s: string, n: number): string => s.padStart(n);

/** The report as text: a tier summary, then one line per suite with its share of all suite time. */
export function formatTimingReport(report: TimingReport, maxSuites = Infinity): string {
  const total = report.suites.reduce((acc, s) => acc + s.seconds, 0);
  const lines: string[] = ['tier        suites  tests failed   wall s  suite s    cpu s'];
  for (const t of report.tiers) {
    lines.push(
      `${t.tier.padEnd(10)} ${pad(String(t.suites), 7)} ${pad(String(t.tests), 6)} ${pad(String(t.failed), 6)} ` +
        `${pad(t.wallSeconds.toFixed(1), 8)} ${pad(t.suiteSeconds.toFixed(1), 8)} ${pad(t.cpuSeconds.toFixed(1), 8)}`,
    );
  }
  lines.push('', 'seconds  share  cpu s  tests  tier      suite');
  for (const s of report.suites.slice(0, maxSuites)) {
    const share = total > 0 ? (100 * s.seconds) / total : 0;
    const mark = s.status === 'passed' ? '' : `  [${s.status}]`;
    lines.push(
      `${pad(s.seconds.toFixed(1), 7)} ${pad(share.toFixed(1), 5)}% ${pad(s.cpuSeconds?.toFixed(1) ?? '-', 6)} ` +
        `${pad(String(s.tests), 6)}  ` +
        `${s.tier.padEnd(9)} ${s.file}${mark}`,
    );
  }
  if (report.slowestTests.length > 0) {
    lines.push('', 'slowest tests');
    for (const t of report.slowestTests) lines.push(`${pad(t.seconds.toFixed(1), 7)}  ${t.file}: ${t.name}`);
  }
  return lines.join('\n');
}

/**
 * Suite → seconds, for the test sequencer on a fresh clone (test/support/jest-sequencer.cjs): Jest orders
 * suites longest first only from its own cache, which a fresh clone does not have. Relative paths, sorted,
 * rounded to 0.1 s so that a re-run changes few lines.
 */
export function suiteHints(report: TimingReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of [...report.suites].sort((a, b) => a.file.localeCompare(b.file)))
    out[s.file] = Math.round(s.seconds * 10) / 10;
  return out;
}
