import fs from 'node:fs/promises';
import type { Logger } from 'pino';
import { parseCamerasFile } from '../../../shared/src/camera-registry/cameras-file';
import { seedEntries } from '../../../shared/src/camera-registry/seed';
import type { CameraRegistry } from '../../../shared/src/camera-registry/store';
import type { Config } from '../../../shared/src/config';
import { toError } from '../../../shared/src/errors';

/**
 * Seeds the registry from today's configuration (NUM_STREAMS, RTSP_URL_TEMPLATE and, when this
 * process can read it, CAMERAS_FILE): capture and inference both do it at start, whichever is first.
 * Unedited seeded entries follow today's configuration; edited ones are kept (CameraRegistry.syncSeeded).
 */
export async function seedRegistry(registry: CameraRegistry, config: Config, logger: Logger): Promise<void> {
  const file = config.inference.camerasFile;
  const camerasFile = file
    ? await fs.readFile(file, 'utf8').then(parseCamerasFile, (err: unknown) => {
        logger.warn(
          { file, err: toError(err).message },
          'CAMERAS_FILE not readable here: seeding without its contexts',
        );
        return undefined;
      })
    : undefined;
  const synced = await registry
    .syncSeeded(
      seedEntries({
        numStreams: config.common.numStreams,
        rtspUrlTemplate: config.common.rtspUrlTemplate,
        camerasFile,
      }),
    )
    .catch((err: unknown) => {
      logger.warn(
        { err: toError(err).message },
        'could not seed the camera registry (Redis down?): the lease rounds retry reading it',
      );
      return { added: 0, updated: 0, removed: 0 };
    });
  if (synced.added + synced.updated + synced.removed > 0) logger.info(synced, 'camera registry seeded');
}
