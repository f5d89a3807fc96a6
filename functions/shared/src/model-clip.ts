import path from 'node:path';
import { z } from 'zod';

/**
 * The model clip capture makes beside each evidence clip (issue #13): the sampled, scaled MP4 of
 * the media contract (docs/architecture.md §4.3: H.264 yuv420p, CFR at the sampling rate, long
 * side ≤ VIDEO_MAX_SIDE, faststart), written by a second output of the recorder's own ffmpeg, so
 * the GPU node never decodes. Beside it, the clip's thumbnails: one THUMB_WIDTH × THUMB_HEIGHT
 * 8-bit grayscale frame per sampled frame, raw and concatenated (the unchanged-scene gate's input).
 *
 * Layout, relative to CLIPS_DIR (the dot folder is not a camera: retention and the path guard
 * treat it as part of its camera's folder):
 *   <cam>/<stamp>.mp4            evidence clip (stream copy)
 *   <cam>/.model/<stamp>.mp4     model clip
 *   <cam>/.model/<stamp>.gray    thumbnails
 */
export const MODEL_DIR = '.model';
export const THUMB_WIDTH = 32;
export const THUMB_HEIGHT = 18;
export const THUMB_BYTES = THUMB_WIDTH * THUMB_HEIGHT;

/** The optional `model` field of a clip job (docs/architecture.md §3.4). Older producers omit it. */
export const ModelClipSchema = z.object({
  /** Relative to CLIPS_DIR; goes through the same path guard as the evidence clip. */
  path: z.string().min(1).max(1024),
  /** Frame rate of the model clip = the sampling rate it was made at. */
  fps: z.number().positive().max(30),
  /** Frames in the model clip (its header's stsz count). */
  frames: z.number().int().positive().max(100_000),
  /** How it was sampled, so a pod configured otherwise can tell it cannot use it as is. */
  sampling: z.enum(['fps', 'keyframes']),
  /** Long side in pixels, ≤ the pod's VIDEO_MAX_SIDE to be usable. */
  maxSide: z.number().int().min(16).max(4096),
  /** Zones drawn in (the camera registry's zonesHash at recording time); absent = no zones. */
  zonesHash: z.string().max(128).optional(),
  /** Relative path of the raw gray thumbnails; absent = none were made. */
  thumbs: z.string().min(1).max(1024).optional(),
});

export type ModelClip = z.infer<typeof ModelClipSchema>;

/** `cam3/20261128T204000Z.mp4` → `cam3/.model/20261128T204000Z.mp4` (and `.gray` for thumbs). */
export function modelClipPaths(evidenceRel: string): { clip: string; thumbs: string } {
  const dir = path.posix.dirname(evidenceRel);
  const stem = path.posix.basename(evidenceRel, path.posix.extname(evidenceRel));
  const base = path.posix.join(dir, MODEL_DIR, stem);
  return { clip: `${base}.mp4`, thumbs: `${base}.gray` };
}

/** Splits a thumbnails file into frames; a trailing partial frame (a torn write) is dropped. */
export function splitThumbs(raw: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i + THUMB_BYTES <= raw.length; i += THUMB_BYTES) out.push(raw.subarray(i, i + THUMB_BYTES));
  return out;
}

/** Video only, metadata stripped: the model clip carries nothing but its frames (one output's worth). */
export const MODEL_CLIP_STRIP = ['-an', '-sn', '-dn', '-map_metadata', '-1', '-map_chapters', '-1'] as const;

/**
 * The model clip's encoder options (they apply to the next output named), shared by capture's
 * recorder output and inference's own fallback so both make the same MP4 (docs/architecture.md
 * §4.3): CFR at the sampling rate, H.264 yuv420p without B-frames, single-threaded and `bitexact`
 * so the same input gives the same bytes.
 */
export function modelClipEncoderOptions(fps: number | string): string[] {
  return [
    ...['-fps_mode', 'cfr', '-r', String(fps)],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-bf', '0', '-threads', '1'],
    ...['-fflags', '+bitexact', '-flags:v', '+bitexact'],
  ];
}
