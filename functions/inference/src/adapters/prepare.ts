import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ClipJob } from '../../../shared/src/clip-job';
import { isInside, resolveClipPath } from '../../../shared/src/clip-path';
import { UnrecoverableError } from '../../../shared/src/errors';
import { splitThumbs, type ModelClip } from '../../../shared/src/model-clip';
import { mp4VideoInfo } from '../../../shared/src/mp4-info';
import type { Zone } from '../../../shared/src/camera-registry/schema';
import type { Sampling } from '../core/ffmpeg-args';
import { fileUrl, framesMedia, mediaUuid, type MediaMode, type PreparedMedia } from '../core/media';
import { extractFrames, makeModelClip, type ExtractOptions } from './ffmpeg';
import { MIN_VIDEO_FRAMES } from '../core/ffmpeg-args';

/**
 * A camera's zones as the registry holds them now, looked up for every clip (issue #15): the list
 * (the prompt describes it), its hash as capture stamps it on a model clip (`''` = no zones) and
 * the overlay PNG (undefined: no zones).
 */
export interface CameraZones {
  zones: Zone[];
  hash: string;
  png: Buffer | undefined;
}
export type OverlayLookup = (cameraId: string) => Promise<CameraZones>;

/** What the preparer needs (plain data: it crosses into the worker thread as workerData). */
export interface PrepareSettings {
  clipsDir: string;
  mode: MediaMode;
  sampling: Sampling;
  fps: number;
  maxSide: number;
  /** CLIP_MAX_SECONDS: longer clips are dead-lettered before any decode, and no decode reads past it. */
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
  return (await prepareJob(job, s, overlayOf)).media;
}

/** What a prepare produced: the media, the gate's thumbnails (if any), and where the media came from. */
export interface Prepared {
  media: PreparedMedia;
  /** One THUMB_BYTES gray frame per sampled frame (shared/src/model-clip.ts); absent = the gate cannot judge. */
  thumbs?: Uint8Array[] | undefined;
  /** 'capture': the job's model clip, no decode; 'fallback': made here, `reason` says why. */
  source: 'capture' | 'fallback';
  reason?: string;
  /** The zones drawn into the media, which the prompt must describe (absent: no registry lookup). */
  zones?: Zone[] | undefined;
}

/**
 * Issue #13 part 1: the job's capture-made model clip when it is usable (no decode at all in the
 * video modes), otherwise one made here — with its thumbnails from the same ffmpeg spawn.
 */
export async function prepareJob(job: ClipJob, s: PrepareSettings, overlayOf?: OverlayLookup): Promise<Prepared> {
  const real = await resolveClipPath(s.clipsDir, job.path);
  checkClipLength(job, s.maxClipSeconds);
  // one registry read per clip: what is drawn and what the prompt says come from it (issue #26.9)
  const now = await overlayOf?.(job.cameraId);
  let reason = 'absent';
  if (job.model) {
    const usable = await usableModelClip(job, job.model, s, now?.hash);
    if (usable.ok) {
      // capture drew these very zones already (model.zonesHash = now.hash): no overlay here
      const media =
        s.mode === 'images'
          ? await framesFromClip(usable.abs, { ...s, sampling: 'fps', fps: job.model.fps })
          : await modelClipMedia(usable.abs, job.model, s.mode);
      return { media, thumbs: await readThumbs(job, job.model, s), source: 'capture', zones: now?.zones };
    }
    reason = usable.reason;
  }
  // zones are drawn into what the model sees, never into the evidence clip (issue #15)
  const overlayPng = now?.png;
  if (s.mode === 'images')
    return { media: await framesFromClip(real, s, overlayPng), source: 'fallback', reason, zones: now?.zones };
  const made = await inlineModelClipWithThumbs(real, s, overlayPng);
  return { media: made.media, thumbs: made.thumbs, source: 'fallback', reason, zones: now?.zones };
}

/** How much of a model clip is read to check its header: moov comes first (faststart), and is small. */
const HEADER_BYTES = 64 * 1024;

type Usable = { ok: true; abs: string } | { ok: false; reason: string };

/**
 * Usable = made the way this pod would make it (sampling, rate, size bound), with the zones the
 * camera has now (`zonesNow`, when known: a clip recorded before a zone edit shows the old zones,
 * while its prompt would describe the new ones, so it is redrawn; issue #26.9), inside the job
 * camera's own folder (the path guard, then `<cam>/`), and its header agrees with the job (the
 * frame count vLLM's loader trusts, mp4-info.ts). Any "no" is a reason label for the fallback.
 */
export async function usableModelClip(
  job: ClipJob,
  m: ModelClip,
  s: PrepareSettings,
  zonesNow?: string,
): Promise<Usable> {
  if (zonesNow !== undefined && (m.zonesHash ?? '') !== zonesNow) return { ok: false, reason: 'zones' };
  if (m.sampling !== s.sampling) return { ok: false, reason: 'sampling' };
  if (s.sampling === 'fps' && Math.abs(m.fps - s.fps) > 1e-6) return { ok: false, reason: 'fps' };
  if (m.maxSide > s.maxSide) return { ok: false, reason: 'size' };
  // Qwen3-VL refuses a 1-frame video (400): the fallback pads the sliver to two frames (issue #26.6)
  if (s.mode !== 'images' && m.frames < MIN_VIDEO_FRAMES) return { ok: false, reason: 'sliver' };
  const abs = await inCameraFolder(job.cameraId, m.path, s.clipsDir);
  if (!abs) return { ok: false, reason: 'path' };
  let head: Buffer;
  try {
    const fh = await fs.open(abs, 'r');
    try {
      const buf = Buffer.alloc(HEADER_BYTES);
      const { bytesRead } = await fh.read(buf, 0, HEADER_BYTES, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  try {
    const info = mp4VideoInfo(head);
    const consistent =
      info.faststart &&
      !info.fragmented &&
      info.frames === m.frames &&
      Math.abs(info.fps - m.fps) <= 0.05 * m.fps &&
      Math.max(info.width, info.height) <= s.maxSide;
    return consistent ? { ok: true, abs } : { ok: false, reason: 'header' };
  } catch {
    return { ok: false, reason: 'header' };
  }
}

/** The path guard, then: the file lies under `<CLIPS_DIR>/<cameraId>/` (a job may not name another camera's clip). */
async function inCameraFolder(cameraId: string, rel: string, clipsDir: string): Promise<string | undefined> {
  try {
    const abs = await resolveClipPath(clipsDir, rel);
    const camDir = await fs.realpath(path.join(clipsDir, cameraId));
    return isInside(camDir, abs) && abs !== camDir ? abs : undefined;
  } catch {
    return undefined;
  }
}

/** The thumbnails capture wrote beside the model clip; absent or refused = none (the gate then judges). */
async function readThumbs(job: ClipJob, m: ModelClip, s: PrepareSettings): Promise<Uint8Array[] | undefined> {
  if (!m.thumbs) return undefined;
  const abs = await inCameraFolder(job.cameraId, m.thumbs, s.clipsDir);
  if (!abs) return undefined;
  const raw = await fs.readFile(abs).catch(() => undefined);
  const frames = raw ? splitThumbs(raw) : [];
  return frames.length > 0 ? frames : undefined;
}

/** Issue #18.3: a clip longer than CLIP_MAX_SECONDS is refused before it is decoded. */
export function checkClipLength(job: Pick<ClipJob, 'durationMs'>, maxClipSeconds: number): void {
  if (job.durationMs > maxClipSeconds * 1000) {
    throw new UnrecoverableError(`clip too long: ${job.durationMs / 1000} s > CLIP_MAX_SECONDS=${maxClipSeconds}`, {
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
  return (await inlineModelClipWithThumbs(absClip, s, overlayPng)).media;
}

/** The same, with the gate's thumbnails from the same spawn. */
export async function inlineModelClipWithThumbs(
  absClip: string,
  s: PrepareSettings,
  overlayPng?: Buffer,
): Promise<{ media: PreparedMedia; thumbs: Uint8Array[] | undefined }> {
  const dir = await fs.mkdtemp(path.join(s.tmpDir ?? os.tmpdir(), 'model-clip-'));
  try {
    const out = path.join(dir, 'clip.mp4');
    // the thumbnails come from the same spawn (a second output on stdout), never a second decode
    const info = await makeModelClip(absClip, out, { ...extractOptions(s, overlayPng), thumbs: true });
    const bytes = await fs.readFile(out);
    const thumbs = info.thumbs ? splitThumbs(info.thumbs) : [];
    return {
      media: {
        kind: 'mp4',
        base64: bytes.toString('base64'),
        fps: info.fps,
        frames: info.frames,
        uuid: mediaUuid(bytes),
      },
      thumbs: thumbs.length > 0 ? thumbs : undefined,
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
 * (Few-shot files and tools; jobs go through prepareJob, which checks the clip is usable first.)
 */
export async function prepareFromModelClip(ref: ModelClipRef, s: PrepareSettings): Promise<PreparedMedia> {
  const real = await resolveClipPath(s.clipsDir, ref.path);
  if (s.mode === 'images') return framesFromClip(real, { ...s, sampling: 'fps', fps: ref.fps });
  return modelClipMedia(real, ref, s.mode);
}
