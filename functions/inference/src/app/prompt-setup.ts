import fs from 'node:fs/promises';
import type { Logger } from 'pino';
import { CameraRegistry } from '../../../shared/src/camera-registry/store';
import { seedRegistry } from '../../../shared/src/camera-registry/seed-registry';
import type { Config } from '../../../shared/src/config';
import type { RedisKeys } from '../../../shared/src/keys';
import type { Redis } from 'ioredis';
import { CameraContexts } from '../adapters/camera-contexts';
import { loadFewShot } from '../adapters/fewshot';
import { parseCamerasFile } from '../core/camera-context';
import type { FewShotExample } from '../core/prompt';
import { createPromptKit, type PromptKit } from '../core/prompt-kit';
import { promptSettings } from './prompt-settings';

/** The prompt and what feeds it: the few-shot prefix (loaded once) and each camera's live context. */
export interface PromptSetup {
  readonly prompt: PromptKit;
  /** Camera contexts and zones from the registry (polled; `refresh(true)` on camera.updated). */
  readonly contexts: CameraContexts;
}

/**
 * Loads the few-shot examples and CAMERAS_FILE, seeds the camera registry (shared with capture:
 * whichever starts first), starts the registry poll and builds the prompt kit.
 * @throws when FEWSHOT_DIR or a set CAMERAS_FILE cannot be read (inference cannot judge without them)
 */
export async function setUpPrompt(
  config: Config,
  io: { redis: Redis; keys: RedisKeys; logger: Logger; fewShot?: FewShotExample[] | undefined },
): Promise<PromptSetup> {
  const ic = config.inference;
  const { redis, keys, logger } = io;
  const examples = io.fewShot ?? (await loadFewShot(ic.fewshotDir));
  const cameras = ic.camerasFile ? parseCamerasFile(await fs.readFile(ic.camerasFile, 'utf8')) : undefined;
  // the registry (seeded once from today's configuration) gives each clip its camera's current context and zones
  const registry = new CameraRegistry(redis, keys, { logger });
  await seedRegistry(registry, config, logger, cameras);
  const contexts = new CameraContexts({ registry, language: ic.verdictLanguage, file: cameras, pollMs: 1000, logger });
  await contexts.start();
  const prompt = createPromptKit({
    ...promptSettings(config),
    examples,
    cameras,
    contextOf: (id, drawn) => contexts.contextOf(id, drawn),
  });
  logger.info(
    { prefixHash: prompt.prefixHash, examples: examples.map((e) => e.name), mode: ic.videoInput },
    'few-shot prefix ready',
  );
  return { prompt, contexts };
}
