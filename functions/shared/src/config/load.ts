import { ConfigError, toError } from '../errors';
import { parseConfig, type Config } from './index';

/**
 * For a process entry point (`main.ts`) only: parse the environment once; on a bad value print
 * the message (it names every bad variable and the expected form) and exit 1.
 */
export function loadConfigOrExit(env: NodeJS.ProcessEnv): Config {
  try {
    return parseConfig(env);
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : toError(err).message}\n`);
    process.exit(1);
  }
}
