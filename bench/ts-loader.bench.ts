import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../test/support';
import { TS_HOOK_ENV, tsLoaderArgs } from '../functions/shared/src/ts-loader';
import type { BenchTable } from './table';

/**
 * `npm run bench -- ts-loader`: the CPU a part's process spends loading its code (node start-up plus
 * every module of the function, without starting it) under tsx, as the images and `npm start` run
 * it, and under the tests' @swc/core require hook (functions/shared/src/ts-loader.ts). The whole
 * process's CPU (`process.cpuUsage()` counts every thread, tsx's loader thread included), the
 * median of RUNS fresh processes per cell, tsx's on-disk cache warm.
 */
const RUNS = 5;
const ENTRIES: Record<string, string> = {
  alerts: 'functions/alerts/src/index.ts',
  inference: 'functions/inference/src/index.ts',
  capture: 'functions/capture/src/index.ts',
  notify: 'functions/notify/src/index.ts',
  'vllm-sim': 'simulator/vllm/src/index.ts',
};
const HOOK = path.join(REPO_ROOT, 'test/support/swc-register.cjs');
const PRINT_CPU =
  'const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1e6)); process.exit(0)';

function loadCpuSeconds(loader: string[], entry: string): number {
  const code = `require(${JSON.stringify(path.join(REPO_ROOT, entry))}); ${PRINT_CPU}`;
  const out = execFileSync(process.execPath, [...loader, '-e', code], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', [TS_HOOK_ENV]: '' },
    encoding: 'utf8',
  });
  return Number(out.trim().split('\n').pop());
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function tsLoaderBench(): Promise<BenchTable> {
  const tsx = tsLoaderArgs({});
  const hook = tsLoaderArgs({ [TS_HOOK_ENV]: HOOK });
  loadCpuSeconds(tsx, ENTRIES.alerts!); // tsx fills its transform cache once
  const rows: (string | number)[][] = [];
  for (const [name, entry] of Object.entries(ENTRIES)) {
    const a = median(Array.from({ length: RUNS }, () => loadCpuSeconds(tsx, entry)));
    const b = median(Array.from({ length: RUNS }, () => loadCpuSeconds(hook, entry)));
    rows.push([name, a, b, `${Math.round((1 - b / a) * 100)} %`]);
    process.stderr.write(`ts-loader: ${name} done\n`);
  }
  return Promise.resolve({
    title: 'Loading a part: tsx against the tests’ swc hook (CPU-s per process, median of 5)',
    command: 'npm run bench -- ts-loader',
    columns: ['part', 'tsx', 'swc hook', 'saved'],
    rows,
  });
}
