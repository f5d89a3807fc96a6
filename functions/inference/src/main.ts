import { loadConfigOrExit } from '../../shared/src/config/load';
import { toError } from '../../shared/src/errors';
import { createLogger } from '../../shared/src/logger';
import { startInference } from './app/start-inference';

/** `npm run start:inference`: parse the environment once, start, stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  const logger = createLogger('inference', config.common.logLevel);
  const handle = await startInference(config, {
    logger,
    // A dead preparer thread: exit non-zero so Kubernetes restarts the pod (its jobs get reaped).
    onFatal: () => void handle.stop(5000).finally(() => process.exit(1)),
  });
  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'stopping: no new claims, finishing in-flight jobs');
    handle.stop().then(() => process.exit(0), (err) => {
      logger.error({ err: toError(err).message }, 'unclean stop');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`inference failed to start: ${toError(err).message}\n`);
  process.exit(1);
});
