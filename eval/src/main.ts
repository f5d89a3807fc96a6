/**
 * The evaluation harness (docs/evaluation.md):
 *
 *   npm run eval -- make-synthetic --out DIR [--clips N] [--seed S] [--size WxH] [--fps F]
 *   npm run eval -- run --dataset DIR --out REPORT_DIR [--baseline FILE] [--max-drop 0.05]
 *                       [--fewshot DIR] [--cameras FILE] [--concurrency N]
 *   npm run eval -- compare A.json B.json
 *   npm run eval -- export-feedback --out DIR
 *
 * Exit codes: 0 ok, 1 bad input or failure, 2 the gate found a regression.
 */
import fs from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../../functions/shared/src/config/load';
import { toError } from '../../functions/shared/src/errors';
import { createLogger } from '../../functions/shared/src/logger';
import { compareText } from './core/compare';
import { gate } from './core/gate';
import { parseMetricsFile } from './core/results';
import { summaryText } from './core/table';
import { exportFeedback } from './adapters/export-feedback';
import { makeSynthetic } from './adapters/make-synthetic';
import { runEval } from './adapters/run-eval';

const USAGE = `usage:
  npm run eval -- make-synthetic --out DIR [--clips N=40] [--seed S=1] [--size WxH] [--fps F]
  npm run eval -- run --dataset DIR --out REPORT_DIR [--baseline FILE] [--max-drop 0.05] [--fewshot DIR] [--cameras FILE] [--concurrency N]
  npm run eval -- compare A.json B.json
  npm run eval -- export-feedback --out DIR`;

class UsageError extends Error {}

function need(v: string | undefined, flag: string): string {
  if (!v) throw new UsageError(`${flag} is required`);
  return v;
}

function number(v: string | undefined, flag: string, fallback: number, min: number, integer = true): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
    throw new UsageError(`${flag}=${v}: expected ${integer ? 'an integer' : 'a number'} ≥ ${min}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string' },
      clips: { type: 'string' },
      seed: { type: 'string' },
      size: { type: 'string' },
      fps: { type: 'string' },
      dataset: { type: 'string' },
      baseline: { type: 'string' },
      'max-drop': { type: 'string' },
      fewshot: { type: 'string' },
      cameras: { type: 'string' },
      concurrency: { type: 'string' },
    },
  });
  const config = loadConfigOrExit(process.env);
  for (const warning of config.warnings) process.stderr.write(`warning: ${warning}\n`); // deprecated names/spellings (docs/architecture.md §3.2)
  const logger = createLogger('eval', config.common.logLevel === 'info' ? 'warn' : config.common.logLevel);
  switch (command) {
    case 'make-synthetic': {
      const size = values.size ? /^(\d+)x(\d+)$/.exec(values.size) : undefined;
      if (values.size && !size) throw new UsageError(`--size=${values.size}: expected WxH, e.g. 640x360`);
      const labels = await makeSynthetic({
        out: need(values.out, '--out'),
        clips: number(values.clips, '--clips', 40, 1),
        seed: number(values.seed, '--seed', 1, 0),
        render: {
          ...(size ? { width: Number(size[1]), height: Number(size[2]) } : {}),
          ...(values.fps ? { fps: number(values.fps, '--fps', 25, 1) } : {}),
        },
        log: (l) => process.stderr.write(`${l}\n`),
      });
      const by = new Map<string, number>();
      for (const l of labels)
        for (const h of l.hazards.length ? l.hazards : ['(safe)']) by.set(h, (by.get(h) ?? 0) + 1);
      process.stdout.write(
        `${labels.length} clips in ${values.out}: ${[...by]
          .sort()
          .map(([h, n]) => `${h} ${n}`)
          .join(', ')}\n`,
      );
      return 0;
    }
    case 'run': {
      const out = need(values.out, '--out');
      const maxDrop = number(values['max-drop'], '--max-drop', 0.05, 0, false);
      // Read the baseline first: a typo should fail before minutes of model time.
      const baseline = values.baseline
        ? parseMetricsFile(await fs.readFile(values.baseline, 'utf8'), values.baseline)
        : undefined;
      const results = await runEval(config, {
        dataset: need(values.dataset, '--dataset'),
        out,
        fewshotDir: values.fewshot,
        camerasFile: values.cameras,
        concurrency: values.concurrency ? number(values.concurrency, '--concurrency', 1, 1) : undefined,
        logger,
      });
      process.stdout.write(
        `${summaryText(results.metrics)}\n\nprefix ${results.run.prefixHash.slice(0, 16)}…, model ${results.run.model}; wrote ${out}/results.json and ${out}/report.html\n`,
      );
      if (!baseline) return 0;
      if (baseline.run?.prefixHash && baseline.run.prefixHash !== results.run.prefixHash) {
        process.stdout.write(
          `note: the prompt prefix differs from the baseline's (${baseline.run.prefixHash.slice(0, 16)}…): a prompt or few-shot change\n`,
        );
      }
      const regressions = gate(baseline.metrics, results.metrics, { maxDrop });
      if (regressions.length === 0) {
        process.stdout.write(`gate: no regression against ${values.baseline} (max drop ${maxDrop})\n`);
        return 0;
      }
      process.stdout.write(
        `gate: ${regressions.length} regression(s) against ${values.baseline}:\n${regressions.map((r) => `  ${r.message}`).join('\n')}\n`,
      );
      return 2;
    }
    case 'compare': {
      const [a, b] = positionals;
      if (!a || !b) throw new UsageError('compare needs two results files');
      const [ra, rb] = await Promise.all([a, b].map(async (f) => parseMetricsFile(await fs.readFile(f, 'utf8'), f)));
      process.stdout.write(`A = ${a}\nB = ${b}\n\n${compareText(ra!.metrics, rb!.metrics)}\n`);
      return 0;
    }
    case 'export-feedback': {
      const n = await exportFeedback(config, { out: need(values.out, '--out') });
      process.stdout.write(
        `${n.clips} clip(s) with operator feedback written to ${values.out}${n.skipped.length ? `; skipped ${n.skipped.length}:\n  ${n.skipped.join('\n  ')}` : ''}\n`,
      );
      return 0;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command');
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = toError(err);
    process.stderr.write(
      e instanceof UsageError || (e.name === 'TypeError' && /Unknown option|Unexpected argument/.test(e.message))
        ? `${e.message}\n${USAGE}\n`
        : `eval: ${e.message}\n`,
    );
    process.exit(1);
  },
);
