// `npm run test:timing [DIR|FILE…] [--top N] [--write-hints]`: prints each suite's time, CPU and share from the last
// `npm test`, which writes one Jest `--json` file per group into .jest-results/ and the CPU log
// .jest-results/cpu.jsonl (see package.json "test:jest"). `--write-hints` also saves each suite's time to
// test/support/suite-seconds.json, the order a fresh clone runs the suites in (test/support/jest-sequencer.cjs).
import fs from 'node:fs';
import path from 'node:path';
import {
  cpuLineSchema,
  formatTimingReport,
  jestResultSchema,
  suiteHints,
  timingReport,
  type TierResult,
} from './report';

// npm runs scripts from the package root: the checkout whose last `npm test` is reported
const ROOT = process.cwd();
const RESULTS_DIR = path.join(ROOT, '.jest-results');
const HINTS_FILE = path.join(ROOT, 'test/support/suite-seconds.json');

function filesIn(targets: readonly string[], ext: string): string[] {
  return targets.flatMap((t) =>
    !fs.existsSync(t)
      ? []
      : fs.statSync(t).isDirectory()
        ? fs
            .readdirSync(t)
            .filter((f) => f.endsWith(ext))
            .sort()
            .map((f) => path.join(t, f))
        : t.endsWith(ext)
          ? [t]
          : [],
  );
}

/** Test file → CPU seconds, from every CPU log given (a suite run twice keeps its last line). */
function readCpu(files: readonly string[]): Map<string, number> {
  const cpu = new Map<string, number>();
  for (const f of files)
    for (const line of fs.readFileSync(f, 'utf8').split('\n').filter(Boolean)) {
      const { file, cpuSeconds } = cpuLineSchema.parse(JSON.parse(line));
      cpu.set(file, cpuSeconds);
    }
  return cpu;
}

function main(argv: readonly string[]): void {
  const topAt = argv.indexOf('--top');
  const top = topAt >= 0 ? Number(argv[topAt + 1]) : Infinity;
  const writeHints = argv.includes('--write-hints');
  const given = argv.filter((a, i) => a !== '--write-hints' && (topAt < 0 || (i !== topAt && i !== topAt + 1)));
  const targets = given.length > 0 ? given : [RESULTS_DIR];
  const files = filesIn(targets, '.json');
  if (files.length === 0) throw new Error(`no Jest result files in ${targets.join(' ')}; run npm test first`);
  const runs: TierResult[] = files.map((f) => ({
    tier: path.basename(f, '.json'),
    result: jestResultSchema.parse(JSON.parse(fs.readFileSync(f, 'utf8'))),
  }));
  const report = timingReport(runs, ROOT, 10, readCpu(filesIn(targets, '.jsonl')));
  console.log(formatTimingReport(report, top));
  if (writeHints) {
    fs.writeFileSync(HINTS_FILE, `${JSON.stringify(suiteHints(report), null, 2)}\n`);
    console.log(`wrote ${report.suites.length} suite times to ${path.relative(ROOT, HINTS_FILE)}`);
  }
}

main(process.argv.slice(2));
