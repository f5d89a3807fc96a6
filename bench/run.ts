import { parseConfig } from '../functions/shared/src/config';
import { ConfigError } from '../functions/shared/src/errors';
import { machineLine, renderTable, type BenchTable } from './table';
import { queueHandoffBench } from './queue-handoff.bench';
import { captureCostBench } from './capture-cost.bench';
import { captureProfilesBench } from './capture-profiles.bench';
import { pipelineBench } from './pipeline.bench';
import { prefixCacheBench } from './prefix-cache.bench';
import { realServerBench } from './real-server.bench';
import { e2eBench } from './e2e.bench';
import { autoscaleBench } from './autoscale.bench';
import { simDecodeBench } from './sim-decode.bench';
import { capacityBench } from './capacity.bench';
import { gateBench } from './gate.bench';
import { fewShotBench } from './fewshot.bench';
import { notifyBench } from './notify.bench';
import { recordsBench } from './records.bench';
import { tsLoaderBench } from './ts-loader.bench';
import type { Config } from '../functions/shared/src/config';

/**
 * `npm run bench [-- name …]`: runs the benchmarks (all by default) and prints their tables.
 * Numbers from a 2-core machine are relative: compare the ratios measured in one run.
 */
/** What a benchmark gets: the parsed configuration and the environment it came from (for per-run overrides). */
export interface BenchContext {
  redisUrl: string;
  config: Config;
  env: Record<string, string | undefined>;
  /** `--name value` (or a bare `--name`, value '') options after the benchmark names. */
  flags?: Record<string, string>;
}
type Bench = (ctx: BenchContext) => Promise<BenchTable | BenchTable[]>;

const BENCHES: Record<string, Bench> = {
  capture: () => captureCostBench(),
  'capture-cost': () => captureProfilesBench(),
  queue: ({ redisUrl }) => queueHandoffBench(redisUrl),
  pipeline: (ctx) => pipelineBench(ctx),
  prefix: (ctx) => prefixCacheBench(ctx),
  fewshot: (ctx) => fewShotBench(ctx),
  e2e: (ctx) => e2eBench(ctx),
  server: (ctx) => realServerBench(ctx),
  autoscale: (ctx) => autoscaleBench(ctx),
  'sim-decode': (ctx) => simDecodeBench(ctx),
  capacity: async (ctx) => [...(await capacityBench(ctx)), await gateBench(ctx)],
  'capacity-gate': (ctx) => gateBench(ctx),
  notify: (ctx) => notifyBench(ctx),
  records: (ctx) => recordsBench(ctx),
  'ts-loader': () => tsLoaderBench(),
};

/** Splits `name … --flag value --switch` into benchmark names and flags. */
export function parseBenchArgs(argv: readonly string[]): { names: string[]; flags: Record<string, string> } {
  const names: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) names.push(a);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) flags[a.slice(2)] = argv[++i]!;
    else flags[a.slice(2)] = '';
  }
  return { names, flags };
}

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const { names: wanted, flags } = parseBenchArgs(process.argv.slice(2));
  const unknown = wanted.filter((w) => !(w in BENCHES));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  console.log(`# Safety-Hanta benchmarks\n\nMachine: ${machineLine()}\n`);
  for (const name of wanted.length ? wanted : Object.keys(BENCHES)) {
    const started = Date.now();
    console.error(`bench: running ${name} …`);
    const tables = await BENCHES[name]!({ redisUrl: config.common.redisUrl, config, env: { ...process.env }, flags });
    for (const t of Array.isArray(tables) ? tables : [tables]) console.log(renderTable(t) + '\n');
    console.error(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
