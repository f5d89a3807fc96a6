/**
 * `npm run start:capture`: one capture replica as its container runs it.
 * SIGINT/SIGTERM → recorders stop with SIGINT (last clips finalised and enqueued), leases released, exit 0.
 */
import { parseConfig } from '../../shared/src/config';
import { ConfigError, toError } from '../../shared/src/errors';
import { startCapture } from './capture';

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : toError(err).message}\n`);
    process.exit(1);
  }
  const capture = await startCapture(config);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) process.exit(1); // a second signal: give up on a clean stop
    capture.stop().then(() => process.exit(0), (err) => {
      process.stderr.write(`capture stop failed after ${signal}: ${toError(err).message}\n`);
      process.exit(1);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

void main().catch((err) => {
  process.stderr.write(`capture failed to start: ${toError(err).stack ?? err}\n`);
  process.exit(1);
});
