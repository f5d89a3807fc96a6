import type { Redis } from 'ioredis';
import { CameraRegistry } from '../../../shared/src/camera-registry/store';
import { RetryableError, toError } from '../../../shared/src/errors';
import type { RedisKeys } from '../../../shared/src/keys';
import { ZoneOverlayCache } from '../../../shared/src/zones/overlay-cache';
import { zonesHash } from '../../../shared/src/zones/render';
import type { OverlayLookup } from './prepare';

/**
 * A camera's zones as they are now: one HGET per clip (so the first clip after a change carries
 * the new zones, drawn and described), the PNG rendered once per distinct zone set and kept in
 * memory. The hash is the one capture stamps on its model clips (capture/src/app/camera-set.ts
 * drawnHash: `''` for none), so a model clip drawn with other zones is told apart.
 * A registry that cannot be read makes the clip retry: it is never sent without the zones it should show.
 */
export function registryOverlayLookup(redis: Redis, keys: RedisKeys): OverlayLookup {
  const registry = new CameraRegistry(redis, keys);
  const pngs = new ZoneOverlayCache();
  return async (cameraId) => {
    let zones;
    try {
      zones = (await registry.get(cameraId))?.zones ?? [];
    } catch (err) {
      throw new RetryableError(`camera registry unreadable, zones unknown: ${toError(err).message}`);
    }
    return { zones, hash: zones.length > 0 ? zonesHash(zones) : '', png: pngs.pngFor(zones) };
  };
}
