import { loadConfigOrExit } from '../../shared/src/config/load';
import { runMain } from '../../shared/src/lifecycle';
import { createLogger } from '../../shared/src/logger';
import { startNotify } from './app/start-notify';

/** `npm run start:notify`: the notify function as its container runs it (lifecycle: shared/src/lifecycle.ts). */
const config = loadConfigOrExit(process.env);
const logger = createLogger('notify', config.common.logLevel);
for (const warning of config.warnings) logger.warn(warning); // deprecated names/spellings (docs/architecture.md §3.2)
runMain('notify', () => startNotify(config, { logger }), { log: (msg) => logger.info(msg) });
