import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ModelVerdictSchema } from '../../../shared/src/verdict';
import { CameraContextSchema } from '../core/camera-context';
import { mp4VideoInfo } from '../../../shared/src/mp4-info';
import { framesMedia, mediaUuid } from '../core/media';
import type { FewShotExample } from '../core/prompt';

/** `<FEWSHOT_DIR>/<NN-name>/example.json`, beside the example's model clip `clip.mp4` and its frames `frame-*.jpg`. */
export const ExampleFileSchema = z.object({
  cameraId: z.string().min(1),
  context: CameraContextSchema,
  answers: z.object({ en: ModelVerdictSchema, ko: ModelVerdictSchema }),
  /** The committed model clip and its sha256 (checked at load: a re-encoded file would silently change the prefix). */
  clip: z.object({
    file: z.string().regex(/^[\w.-]+\.mp4$/),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    fps: z.number().positive(),
    frames: z.number().int().positive(),
    width: z.number().int(),
    height: z.number().int(),
  }),
  /** Where it came from (documentation only: scene name, window in the loop). */
  source: z.record(z.string(), z.unknown()).optional(),
});
export type ExampleFile = z.infer<typeof ExampleFileSchema>;

/**
 * Loads the few-shot set once, at start-up, from committed files: never re-rendered or
 * re-encoded, so every pod sends byte-identical media (and the same content-hash uuids).
 * Fixed order: directories sorted by name.
 */
export async function loadFewShot(dir: string): Promise<FewShotExample[]> {
  const entries = (await fs.readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const examples: FewShotExample[] = [];
  for (const name of entries) {
    const exDir = path.join(dir, name);
    const metaPath = path.join(exDir, 'example.json');
    const meta = await fs.readFile(metaPath, 'utf8').catch(() => undefined);
    if (meta === undefined) continue;
    const parsed = ExampleFileSchema.safeParse(JSON.parse(meta));
    if (!parsed.success)
      throw new Error(
        `few-shot example ${metaPath} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    const { cameraId, context, answers, clip } = parsed.data;
    const clipBytes = await fs.readFile(path.join(exDir, clip.file));
    const sha = mediaUuid(clipBytes);
    if (sha !== `sha256:${clip.sha256}`)
      throw new Error(
        `few-shot clip ${path.join(exDir, clip.file)} does not match its sha256 in example.json (re-run tools/fewshot/make-fewshot.ts)`,
      );
    const info = mp4VideoInfo(clipBytes);
    if (info.frames !== clip.frames)
      throw new Error(
        `few-shot clip ${path.join(exDir, clip.file)} has ${info.frames} frames, example.json says ${clip.frames}`,
      );
    const frameFiles = (await fs.readdir(exDir)).filter((f) => /^frame-.*\.jpe?g$/.test(f)).sort();
    if (frameFiles.length === 0) throw new Error(`few-shot example ${exDir} has no frame-*.jpg files`);
    const frames = await Promise.all(
      frameFiles.map(async (f) => (await fs.readFile(path.join(exDir, f))).toString('base64')),
    );
    examples.push({
      name,
      cameraId,
      context,
      answers,
      media: { kind: 'mp4', base64: clipBytes.toString('base64'), fps: clip.fps, frames: clip.frames, uuid: sha },
      imageMedia: framesMedia(frames, clip.fps),
    });
  }
  return examples;
}
