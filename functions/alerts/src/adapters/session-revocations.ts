import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../shared/src/keys';

/**
 * Logout revokes the session (issue #28.11). Sessions are signed cookies, valid on every replica
 * without a lookup; a revoked one is remembered in Redis (one key per login) until the moment it
 * would have expired anyway, so the set never outgrows the logins of the last session lifetime.
 */
export class SessionRevocations {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<RedisKeys, 'alertsRevokedSession'>,
  ) {}

  async revoke(sessionId: string, expiresAtMs: number): Promise<void> {
    if (expiresAtMs <= Date.now()) return;
    // PXAT: the key goes when the cookie would have (Redis ≥ 6.2, SET options)
    await this.redis.set(this.keys.alertsRevokedSession(sessionId), '1', 'PXAT', expiresAtMs);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.alertsRevokedSession(sessionId))) === 1;
  }
}
