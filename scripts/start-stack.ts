/**
 * `npm start`: the whole Safety-Hanta pipeline on one machine (docs/architecture.md §3.1) — Redis (reused or
 * launched), rtsp-sim, vllm-sim (unless VLLM_BASE_URL is set), alerts dashboard, inference and
 * capture, supervised, with a live status panel. Ctrl-C stops everything in order; exit code 0.
 */
import path from 'node:path';
import { parseConfig, type Config } from '../functions/shared/src/config';
import { Stack } from './stack/stack';

async function main(): Promise<number> {
  let config: Config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  // deprecated names/spellings (docs/architecture.md §3.2); each part it starts logs them too
  for (const warning of config.warnings) process.stderr.write(`warning: ${warning}\n`);
  // a closed terminal (SIGHUP) must not turn the orderly shutdown into a crash on the next write
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  const stack = new Stack({ config, env: process.env, repoRoot: path.resolve(__dirname, '..'), out: process.stdout });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => stack.onSignal(sig));
  const crash = (err: unknown) => {
    process.stderr.write(`npm start crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    stack.killEverything();
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  return stack.run();
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`npm start failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
