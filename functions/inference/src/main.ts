import { loadConfigOrExit } from '../../shared/src/config/load';
import { runMain } from '../../shared/src/lifecycle';
import { createLogger } from '../../shared/src/logger';
import { startInference } from './app/start-inference';

/** `npm run start:inference`: parse the environment once, start, stop cleanly on SIGTERM/SIGINT (shared/src/lifecycle.ts). */
const config = loadConfigOrExit(process.env);
const logger = createLogger('inference', config.common.logLevel);
for (const warning of config.warnings) logger.warn(warning); // deprecated names/spellings (docs/architecture.md §3.2)
/** After a fatal error the in-flight jobs get only this long (their claims are reaped anyway). */
const FATAL_STOP_GRACE_MS = 5000;

runMain(
  'inference',
  async (ctx) => {
    let fatal = false;
    const handle = await startInference(config, {
      logger,
      // A dead preparer thread: exit non-zero so Kubernetes restarts the pod (its jobs get reaped).
      onFatal: (err) => {
        fatal = true;
        ctx.fatal(err);
      },
    });
    return { stop: () => handle.stop(fatal ? FATAL_STOP_GRACE_MS : undefined) };
  },
  { log: (msg) => logger.info(msg.startsWith('stopping') ? `${msg}: no new claims, finishing in-flight jobs` : msg) },
);
