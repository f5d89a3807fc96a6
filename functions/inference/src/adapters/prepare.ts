import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ClipJob } from '../../../shared/src/clip-job';
import { resolveClipPath } from '../../../shared/src/clip-path';
import { UnrecoverableError } from '../../../shared/src/errors';
import type { Sampling } from '../core/ffmpeg-args';
import { fileUrl, framesMedia, mediaUuid, type MediaMode, type PreparedMedia } from '../core/media';
import { extractFrames, makeModelClip, type ExtractOptions } from './ffmpeg';

/** The current zone overlay PNG of a camera (undefined: no zones), looked up for every clip (issue #15). */
export type OverlayLookup = (cameraId: string) => Promise<Buffer | undefined>;

/** What the preparer needs (plain data: it crosses into the worker thread as workerData). */
export interface PrepareSettings {
  clipsDir: string;
  mode: MediaMode;
  sampling: Sampling;
  fps: number;
  maxSide: number;
  /** MAX_CLIP_SECONDS: longer clips are dead-lettered before any decode, and no decode reads past it. */
  maxClipSeconds: number;
  ffmpegPath?: string;
  /** Where inline model clips are written before being read back (default os.tmpdir()). */
  tmpDir?: string;
}

/**
 * Path guard first (docs/architecture.md §3.4: a rejected path is never opened nor sent), then the length
 * bound, then the media with ONE ffmpeg spawn: the model clip as inline `data:video/mp4`
 * (video-frames; also video-file for jobs without a capture-made model clip, since only
 * capture writes to the shared volume), or JPEG frames (images).
 * @throws PathRejectedError / UnrecoverableError (dead-letter) or RetryableError.
 */
export async function prepareClip(job: ClipJob, s: PrepareSettings, overlayOf?: OverlayLookup): Promise<PreparedMedia> {
  const real = await resolveClipPath(s.clipsDir, job.path);
  checkClipLength(job, s.maxClipSeconds);
  // zones are drawn into what the model sees, never into the evidence clip (issue #15)
  const overlayPng = await overlayOf?.(job.cameraId);
  if (s.mode === 'images') return framesFromClip(real, s, overlayPng);
  return inlineModelClip(real, s, overlayPng);
}

/** Issue #18.3: a clip longer than MAX_CLIP_SECONDS is refused before it is decoded. */
export function checkClipLength(job: Pick<ClipJob, 'durationMs'>, maxClipSeconds: number): void {
  if (job.durationMs > maxClipSeconds * 1000) {
    throw new UnrecoverableError(`clip too long: ${job.durationMs / 1000} s > MAX_CLIP_SECONDS=${maxClipSeconds}`, {
      label: 'too-long',
    });
  }
}

function extractOptions(s: PrepareSettings, overlayPng?: Buffer): ExtractOptions {
  return {
    sampling: s.sampling,
    fps: s.fps,
    maxSide: s.maxSide,
    maxSeconds: s.maxClipSeconds,
    ...(s.ffmpegPath ? { ffmpegPath: s.ffmpegPath } : {}),
    ...(overlayPng ? { overlayPng } : {}),
  };
}

/** images mode: one base64 JPEG per sampled frame. */
export async function framesFromClip(absClip: string, s: PrepareSettings, overlayPng?: Buffer): Promise<PreparedMedia> {
  const frames = await extractFrames(absClip, extractOptions(s, overlayPng));
  return framesMedia(
    frames.map((f) => f.toString('base64')),
    s.sampling === 'keyframes' ? 1 : s.fps,
  );
}

/** The model clip made by inference (one ffmpeg spawn into a private temp file), sent inline. */
export async function inlineModelClip(
  absClip: string,
  s: PrepareSettings,
  overlayPng?: Buffer,
): Promise<PreparedMedia> {
  const dir = await fs.mkdtemp(path.join(s.tmpDir ?? os.tmpdir(), 'model-clip-'));
  try {
    const out = path.join(dir, 'clip.mp4');
    const info = await makeModelClip(absClip, out, extractOptions(s, overlayPng));
    const bytes = await fs.readFile(out);
    return {
      kind: 'mp4',
      base64: bytes.toString('base64'),
      fps: info.fps,
      frames: info.frames,
      uuid: mediaUuid(bytes),
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Media from a model clip that already exists (capture-made, or a few-shot file), already
 * through the path guard: a zero-copy `file://` (video-file) or its bytes inline (video-frames).
 */
export async function modelClipMedia(
  absModelClip: string,
  info: { fps: number; frames: number },
  mode: Exclude<MediaMode, 'images'>,
): Promise<PreparedMedia> {
  if (mode === 'video-file') return { kind: 'file', url: fileUrl(absModelClip), fps: info.fps, frames: info.frames };
  const bytes = await fs.readFile(absModelClip);
  return { kind: 'mp4', base64: bytes.toString('base64'), fps: info.fps, frames: info.frames, uuid: mediaUuid(bytes) };
}

/** The job's optional capture-made model clip (media contract; the field is added to the clip job by capture). */
export interface ModelClipRef {
  /** Relative to CLIPS_DIR, checked by the same path guard. */
  path: string;
  fps: number;
  frames: number;
}

/**
 * A job that names a capture-made model clip: no decode at all in video-file (zero-copy
 * `file://`), its bytes inline in video-frames, its frames as JPEGs (one spawn) in images.
 * For the `gpu` branch to call from prepareClip once ClipJob has the `model` field.
 */
export async function prepareFromModelClip(ref: ModelClipRef, s: PrepareSettings): Promise<PreparedMedia> {
  const real = await resolveClipPath(s.clipsDir, ref.path);
  if (s.mode === 'images') return framesFromClip(real, { ...s, sampling: 'fps', fps: ref.fps });
  return modelClipMedia(real, ref, s.mode);
}
