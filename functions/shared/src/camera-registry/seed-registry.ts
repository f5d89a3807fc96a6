import fs from 'node:fs/promises';
import type { Logger } from 'pino';
import { toError } from '../errors';
import type { Config } from '../config';
import { parseCamerasFile, type CamerasFile } from './cameras-file';
import { seedEntries } from './seed';
import type { CameraRegistry } from './store';

/**
 * Seeds the registry from today's configuration (NUM_STREAMS, RTSP_URL_TEMPLATE and CAMERAS_FILE):
 * capture and inference both do it at start, whichever is first. Unedited seeded entries follow
 * today's configuration; edited ones are kept (CameraRegistry.syncSeeded). Never throws: a Redis that is down is retried by the lease rounds
 * (capture) and the registry poll (inference).
 * @param camerasFile the parsed CAMERAS_FILE when the caller already has it (inference needs it for
 *   the prompt); otherwise read here, and seeding goes on without it when this process cannot read it
 */
export async function seedRegistry(
  registry: CameraRegistry,
  config: Config,
  logger: Logger,
  camerasFile?: CamerasFile,
): Promise<void> {
  const file = config.inference.camerasFile;
  const contexts =
    camerasFile ??
    (file
      ? await fs.readFile(file, 'utf8').then(parseCamerasFile, (err: unknown) => {
          logger.warn(
            { file, err: toError(err).message },
            'CAMERAS_FILE not readable here: seeding without its contexts',
          );
          return undefined;
        })
      : undefined);
  const synced = await registry
    .syncSeeded(
      seedEntries({
        numStreams: config.common.numStreams,
        rtspUrlTemplate: config.common.rtspUrlTemplate,
        camerasFile: contexts,
      }),
    )
    .catch((err: unknown) => {
      logger.warn({ err: toError(err).message }, 'could not seed the camera registry (Redis down?): retried later');
      return { added: 0, updated: 0, removed: 0 };
    });
  if (synced.added + synced.updated + synced.removed > 0) logger.info(synced, 'camera registry seeded');
}
