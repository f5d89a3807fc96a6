import os from 'node:os';
import path from 'node:path';
import { formatTimingReport, jestResultSchema, suiteHints, timingReport } from '../timing/report';
import hints from '../../test/support/suite-seconds.json';

// the CommonJS sequencer Jest loads by path (jest.config.js testSequencer)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Sequencer = require('../../test/support/jest-sequencer.cjs') as new () => {
  sort<T>(tests: T[]): T[];
};

/** A Jest `--json` result as Jest 30 writes it (only the fields the report reads, plus one it ignores). */
function run(suites: { file: string; start: number; end: number; tests: number[]; status?: string }[]) {
  return jestResultSchema.parse({
    startTime: 1000,
    numTotalTests: suites.reduce((n, s) => n + s.tests.length, 0),
    numFailedTests: suites.filter((s) => s.status === 'failed').length,
    success: true,
    openHandles: [],
    testResults: suites.map((s) => ({
      name: `/repo/${s.file}`,
      startTime: s.start,
      endTime: s.end,
      status: s.status ?? 'passed',
      assertionResults: s.tests.map((ms, i) => ({ fullName: `test ${i}`, status: 'passed', duration: ms })),
    })),
  });
}

describe('test timing report (scripts/timing)', () => {
  const parallel = run([
    { file: 'a.int.test.ts', start: 0, end: 30_000, tests: [29_000] },
    { file: 'b.test.ts', start: 0, end: 10_000, tests: [4000, 5000] },
    { file: 'c.test.ts', start: 10_000, end: 20_000, tests: [9000], status: 'failed' },
  ]);
  const serial = run([{ file: 'd.int.test.ts', start: 40_000, end: 80_000, tests: [39_000] }]);
  const report = timingReport(
    [
      { tier: 'parallel', result: parallel },
      { tier: 'serial', result: serial },
    ],
    '/repo',
    2,
    new Map([['/repo/d.int.test.ts', 12.5]]), // the CPU log had one suite
  );

  it('wall time per tier is first start to last end; suite time is the sum', () => {
    expect(report.tiers).toEqual([
      { tier: 'parallel', suites: 3, tests: 4, failed: 1, wallSeconds: 30, suiteSeconds: 50, cpuSeconds: 0 },
      { tier: 'serial', suites: 1, tests: 1, failed: 0, wallSeconds: 40, suiteSeconds: 40, cpuSeconds: 12.5 },
    ]);
  });

  it('lists every suite slowest first, paths relative to the repository', () => {
    expect(report.suites.map((s) => [s.file, s.seconds, s.tier])).toEqual([
      ['d.int.test.ts', 40, 'serial'],
      ['a.int.test.ts', 30, 'parallel'],
      ['b.test.ts', 10, 'parallel'],
      ['c.test.ts', 10, 'parallel'],
    ]);
    expect(report.slowestTests).toEqual([
      { file: 'd.int.test.ts', name: 'test 0', seconds: 39 },
      { file: 'a.int.test.ts', name: 'test 0', seconds: 29 },
    ]);
  });

  it('prints each suite with its share of all suite time and its CPU, and marks the ones that did not pass', () => {
    const text = formatTimingReport(report);
    expect(text).toContain('   40.0  44.4%   12.5      1  serial    d.int.test.ts');
    expect(text).toContain('   10.0  11.1%      -      1  parallel  c.test.ts  [failed]');
    expect(formatTimingReport(report, 1).match(/\.test\.ts/g)).toHaveLength(1 + 2); // one suite + two slow tests
  });

  it('refuses a file that is not a Jest result', () => {
    expect(() => jestResultSchema.parse({ testResults: [{ name: 'x' }] })).toThrow();
  });

  it("writes each suite's seconds by path, for the sequencer of a fresh clone", () => {
    expect(suiteHints(report)).toEqual({ 'a.int.test.ts': 30, 'b.test.ts': 10, 'c.test.ts': 10, 'd.int.test.ts': 40 });
  });
});

describe('the test sequencer on a fresh clone (test/support/jest-sequencer.cjs)', () => {
  // a context as Jest's runner passes it, with an empty cache directory: no timing cache, as on a fresh clone
  const context = {
    config: { cache: true, cacheDirectory: path.join(os.tmpdir(), 'no-jest-cache'), id: 'x', haste: {} },
    hasteFS: { getSize: () => 1 },
  };
  const root = path.resolve(__dirname, '../..');
  const test = (file: string) => ({ path: path.join(root, file), context });

  it('starts the suites with a recorded time longest first, after the unknown integration suites', () => {
    const known = Object.entries(hints as Record<string, number>).sort((a, b) => b[1] - a[1]);
    const [longest, , middle] = known.map(([f]) => f);
    const shortest = known.at(-1)![0];
    const order = new Sequencer()
      .sort([test(shortest), test('new/unit.test.ts'), test(middle!), test('new/x.int.test.ts'), test(longest!)])
      .map((t) => path.relative(root, t.path));
    expect(order).toEqual(['new/x.int.test.ts', 'new/unit.test.ts', longest, middle, shortest]);
  });
});
