import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { Config } from '../../../shared/src/config';
import type { RedisKeys } from '../../../shared/src/keys';
import type { CameraRegistry } from '../../../shared/src/camera-registry/store';
import { seedRegistry } from '../../../shared/src/camera-registry/seed-registry';
import { LeaseManager } from '../adapters/leases';
import { cameraId, cameraUrl } from '../core/recorder-args';
import type { CameraSet } from './camera-set';

/**
 * Which cameras this replica records. With CAMERA_INDEX set, exactly that one camera of the URL
 * template (one pod per camera). Otherwise the registry is seeded and cameras are claimed by lease
 * (docs/architecture.md §4.2), so replicas share them and a dead replica's cameras move on.
 * @returns the lease manager in lease mode, else undefined
 */
export async function startCameraSource(
  config: Config,
  deps: {
    redis: Redis;
    keys: RedisKeys;
    replicaId: string;
    registry: CameraRegistry;
    cameras: CameraSet;
    logger: Logger;
  },
): Promise<LeaseManager | undefined> {
  const { common, capture: cc } = config;
  const { cameras } = deps;
  if (common.cameraIndex !== undefined) {
    cameras.acquire(cameraId(common.cameraIndex + 1), {
      url: cameraUrl(common.rtspUrlTemplate, common.cameraIndex + 1),
      transport: cc.rtspTransport,
    });
    return undefined;
  }
  await seedRegistry(deps.registry, config, deps.logger);
  const leases = new LeaseManager({
    redis: deps.redis,
    keys: deps.keys,
    replicaId: deps.replicaId,
    ttlSeconds: cc.leaseTtlSeconds,
    maxCameras: cc.maxCameras,
    logger: deps.logger,
    cameras: () => cameras.enabledCameras(),
    // the directory was filled by the same round's enabledCameras(), just before it claims
    onAcquire: (cam) => cameras.acquireListed(cam),
    onLose: (cam) => cameras.lose(cam),
    // make-before-break (core/handoff.ts): a camera given up keeps recording until its new owner has a clip
    handoffTimeoutMs: cc.handoffTimeoutSeconds * 1000,
  });
  cameras.onRecorded((cam) => leases.recorded(cam));
  leases.start();
  return leases;
}
