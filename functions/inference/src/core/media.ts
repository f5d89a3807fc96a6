import { createHash } from 'node:crypto';

/** VIDEO_INPUT: how a clip reaches the model server. */
export type MediaMode = 'video-frames' | 'video-file' | 'images';

/**
 * A clip ready to be sent. `frames` are base64 JPEGs (video-frames / images); `file` is a
 * zero-copy `file://` URL the server reads itself (video-file).
 */
export type PreparedMedia =
  | { kind: 'frames'; frames: string[]; uuid: string }
  | { kind: 'file'; url: string };

/** An OpenAI chat content part, with vLLM's `uuid` extension (not in the openai types). */
export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'video_url'; video_url: { url: string }; uuid?: string }
  | { type: 'image_url'; image_url: { url: string }; uuid?: string };

/** Stable cache id of a media item: sha256 of its bytes (vLLM reuses work by uuid; never reuse one for other content). */
export function mediaUuid(payload: string | Buffer): string {
  return `sha256:${createHash('sha256').update(payload).digest('hex')}`;
}

/** Frames (base64 JPEG) → a prepared frames item with its content-hash uuid. */
export function framesMedia(frames: string[]): PreparedMedia {
  return { kind: 'frames', frames, uuid: mediaUuid(frames.join(',')) };
}

/**
 * Content parts for one clip. video-frames and video-file send frame lists as vLLM's
 * `data:video/jpeg;base64,f1,f2,…` video; `images` sends one `image_url` per frame (any
 * OpenAI-compatible server), each with its own uuid.
 */
export function mediaParts(media: PreparedMedia, mode: MediaMode): ContentPart[] {
  if (media.kind === 'file') return [{ type: 'video_url', video_url: { url: media.url } }];
  if (mode === 'images') {
    return media.frames.map((f) => ({ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${f}` }, uuid: mediaUuid(f) }));
  }
  return [{ type: 'video_url', video_url: { url: `data:video/jpeg;base64,${media.frames.join(',')}` }, uuid: media.uuid }];
}

/** A `file://` URL for an absolute path (percent-encodes what needs it). */
export function fileUrl(absPath: string): string {
  return new URL(`file://${absPath.split('/').map(encodeURIComponent).join('/')}`).href;
}
