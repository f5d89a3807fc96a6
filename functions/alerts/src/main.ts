import { loadConfigOrExit } from '../../shared/src/config/load';
import { runMain } from '../../shared/src/lifecycle';
import { createLogger } from '../../shared/src/logger';
import { startAlerts } from './app/start-alerts';

/** `npm run start:alerts`: the alerts function as its container runs it (lifecycle: shared/src/lifecycle.ts). */
const config = loadConfigOrExit(process.env);
const logger = createLogger('alerts', config.common.logLevel);
runMain('alerts', () => startAlerts(config, { logger }), { log: (msg) => logger.info(msg) });
