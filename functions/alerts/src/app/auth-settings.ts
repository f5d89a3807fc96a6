import type { Logger } from 'pino';
import type { Config } from '../../../shared/src/config';
import { ConfigError } from '../../../shared/src/errors';
import { isLoopbackHost, resolveAuth, type AuthSettings } from '../core/auth';

/**
 * The dashboard's access settings for this bind address (core/auth.ts decides); ALERTS_AUTH=none
 * is allowed but said out loud, louder beyond loopback.
 * @throws ConfigError when the settings cannot be used on this address
 */
export function authSettingsFor(alerts: Config['alerts'], host: string, logger: Logger): AuthSettings {
  const auth = resolveAuth(alerts, host);
  if (!auth.ok) throw new ConfigError([auth.reason]);
  if (auth.settings.mode === 'none')
    logger.warn(
      { host, allowedHosts: auth.settings.allowedHosts },
      isLoopbackHost(host)
        ? 'ALERTS_AUTH=none: no login; only loopback Host names (and ALERTS_ALLOWED_HOSTS) are served'
        : 'ALERTS_AUTH=none on an address beyond loopback: anyone who reaches it can watch clips and acknowledge incidents',
    );
  return auth.settings;
}
