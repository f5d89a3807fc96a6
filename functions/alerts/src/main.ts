import { loadConfigOrExit } from '../../shared/src/config/load';
import { createLogger } from '../../shared/src/logger';
import { startAlerts } from './app';

/** `npm run start:alerts`: the alerts function as its container runs it. */
async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  const logger = createLogger('alerts', config.common.logLevel);
  const running = await startAlerts(config, { logger });
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'stopping');
    running.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`alerts failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
