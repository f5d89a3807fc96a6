import type { ClipJob } from '../../../shared/src/clip-job';
import { resolveClipPath } from '../../../shared/src/clip-path';
import type { Sampling } from '../core/ffmpeg-args';
import { fileUrl, framesMedia, type MediaMode, type PreparedMedia } from '../core/media';
import { extractFrames } from './ffmpeg';

/** The current zone overlay PNG of a camera (undefined: no zones), looked up for every clip. */
export type OverlayLookup = (cameraId: string) => Promise<Buffer | undefined>;

/** What the preparer needs (plain data: it crosses into the worker thread as workerData). */
export interface PrepareSettings {
  clipsDir: string;
  mode: MediaMode;
  sampling: Sampling;
  fps: number;
  maxSide: number;
  ffmpegPath?: string;
}

/**
 * Path guard first (DESIGN §3.4: a rejected path is never opened nor sent), then the media:
 * a zero-copy file:// URL, or JPEG frames from one ffmpeg spawn.
 * @throws PathRejectedError / UnrecoverableError (dead-letter) or RetryableError.
 */
export async function prepareClip(job: ClipJob, s: PrepareSettings, overlayOf?: OverlayLookup): Promise<PreparedMedia> {
  const real = await resolveClipPath(s.clipsDir, job.path);
  // video-file sends the evidence file itself: zones reach the model there only through a model clip (capture's second output)
  if (s.mode === 'video-file') return { kind: 'file', url: fileUrl(real) };
  const overlayPng = await overlayOf?.(job.cameraId);
  const frames = await extractFrames(real, { sampling: s.sampling, fps: s.fps, maxSide: s.maxSide, overlayPng, ...(s.ffmpegPath ? { ffmpegPath: s.ffmpegPath } : {}) });
  return framesMedia(frames.map((f) => f.toString('base64')));
}
