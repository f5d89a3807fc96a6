import { loadConfigOrExit } from '../../shared/src/config/load';
import { runMain } from '../../shared/src/lifecycle';
import { createLogger } from '../../shared/src/logger';
import { startAlerts } from './app/start-alerts';

/** `npm run start:alerts`: the alerts function as its container runs it (lifecycle: shared/src/lifecycle.ts). */
const config = loadConfigOrExit(process.env);
const logger = createLogger('alerts', config.common.logLevel);
for (const warning of config.warnings) logger.warn(warning); // deprecated names/spellings (docs/architecture.md §3.2)
runMain('alerts', () => startAlerts(config, { logger }), { log: (msg) => logger.info(msg) });
