/**
 * `npm run start:capture`: one capture replica as its container runs it.
 * SIGINT/SIGTERM → recorders stop with SIGINT (last clips finalised and enqueued), leases released, exit 0.
 */
import { loadConfigOrExit } from '../../shared/src/config/load';
import { toError } from '../../shared/src/errors';
import { startCapture } from './capture';

async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  const capture = await startCapture(config);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // Ctrl-C reaches us twice (terminal + the tsx wrapper relaying it): only the first counts
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      process.stderr.write('capture: clean stop took longer than 60 s; exiting\n');
      process.exit(1);
    }, 60_000).unref();
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
