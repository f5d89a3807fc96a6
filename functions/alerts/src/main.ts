import { parseConfig } from '../../shared/src/config';
import { ConfigError } from '../../shared/src/errors';
import { createLogger } from '../../shared/src/logger';
import { startAlerts } from './app';

/** `npm run start:alerts`: the alerts function as its container runs it. */
async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
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
