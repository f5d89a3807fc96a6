import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveClipPath, lexicalPathProblem } from '../../../shared/src/clip-path';
import { PathRejectedError } from '../../../shared/src/errors';
import type { ClipRecorded } from '../../../shared/src/events';
import { THUMB_BYTES, modelClipPaths, type ModelClip } from '../../../shared/src/model-clip';
import { mp4VideoInfo } from '../../../shared/src/mp4-info';

/** A model clip is a few seconds at a few fps; anything bigger is not one of ours. */
const MAX_MODEL_BYTES = 16 * 1024 * 1024;

/**
 * Checks the announced model clip of an evidence clip (issue #13) and fills frames/fps from its
 * own header (in-process box walk, shared/src/mp4-info.ts: no decode, no spawn).
 * The path must be exactly the evidence clip's `<cam>/.model/<stamp>.mp4` (modelClipPaths), so
 * it is in the same camera's folder, and it passes the same path guard (realpath inside
 * CLIPS_DIR, regular file). Thumbnails are kept only when they hold one frame per model frame.
 * @throws PathRejectedError (→ 422) with the reason when the path is not the clip's own model path
 * @throws Error when the file is not a usable model clip (the caller drops `model`)
 */
export async function readModelClip(
  clipsDir: string,
  evidenceRel: string,
  announced: NonNullable<ClipRecorded['model']>,
): Promise<ModelClip> {
  const expected = modelClipPaths(evidenceRel);
  const lexical = lexicalPathProblem(announced.path);
  if (lexical) throw new PathRejectedError(`model clip ${lexical}: ${JSON.stringify(announced.path)}`);
  if (path.normalize(announced.path) !== path.normalize(expected.clip))
    throw new PathRejectedError(
      `model clip ${JSON.stringify(announced.path)} is not this clip's own model path ${JSON.stringify(expected.clip)}`,
    );
  const abs = await resolveClipPath(clipsDir, expected.clip);
  const { size } = await fs.stat(abs);
  if (size > MAX_MODEL_BYTES) throw new Error(`model clip is ${size} bytes (> ${MAX_MODEL_BYTES}): not a model clip`);
  const info = mp4VideoInfo(await fs.readFile(abs));
  if (!info.faststart || info.fragmented) throw new Error('model clip is not a faststart, unfragmented MP4');
  if (info.frames <= 0 || info.fps <= 0) throw new Error('model clip has no frames');
  if (Math.max(info.width, info.height) > announced.maxSide)
    throw new Error(`model clip is ${info.width}×${info.height}, larger than maxSide ${announced.maxSide}`);
  const thumbs =
    announced.thumbs === undefined
      ? undefined
      : await checkThumbs(clipsDir, announced.thumbs, expected.thumbs, info.frames);
  return {
    path: expected.clip,
    fps: Math.round(info.fps * 1000) / 1000,
    frames: info.frames,
    sampling: announced.sampling,
    maxSide: announced.maxSide,
    ...(announced.zonesHash ? { zonesHash: announced.zonesHash } : {}),
    ...(thumbs ? { thumbs } : {}),
  };
}

async function checkThumbs(
  clipsDir: string,
  given: string,
  expected: string,
  frames: number,
): Promise<string | undefined> {
  if (path.normalize(given) !== path.normalize(expected))
    throw new PathRejectedError(
      `thumbnails ${JSON.stringify(given)} are not this clip's own ${JSON.stringify(expected)}`,
    );
  const abs = await resolveClipPath(clipsDir, expected).catch(() => undefined);
  if (!abs) return undefined;
  const { size } = await fs.stat(abs);
  return size === frames * THUMB_BYTES ? expected : undefined;
}
