import { createHash } from 'node:crypto';

/** VIDEO_INPUT: how a clip reaches the model server. */
export type MediaMode = 'video-frames' | 'video-file' | 'images';

/**
 * A clip ready to be sent (agreed media contract between the `model` and `gpu` branches):
 * - `mp4`: a small H.264 MP4 "model clip" (CFR at `fps`, exactly `frames` frames, long side ≤
 *   VIDEO_MAX_SIDE, faststart) sent inline as `data:video/mp4;base64,…` (VIDEO_INPUT=video-frames);
 * - `file`: a `file://` URL of a model clip on the shared volume the server reads itself (video-file, zero copy);
 * - `frames`: base64 JPEGs, one `image_url` per frame (VIDEO_INPUT=images).
 * `fps` is the real rate of the media; it is sent as `mm_processor_kwargs.fps` so the model's
 * timestamps match the clip.
 */
export type PreparedMedia =
  | { kind: 'mp4'; base64: string; fps: number; frames: number; uuid: string } // inline data:video/mp4
  | { kind: 'file'; url: string; fps: number; frames: number; uuid?: string } // file:// of a model clip (zero copy)
  | { kind: 'frames'; frames: string[]; fps: number; uuid: string }; // images mode: base64 JPEGs

/** An OpenAI chat content part, with vLLM's `uuid` extension (not in the openai types). */
export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'video_url'; video_url: { url: string } | null; uuid?: string }
  | { type: 'image_url'; image_url: { url: string } | null; uuid?: string };

/**
 * The same parts by reference (issue #27.4): each media part keeps only its `uuid`, with
 * `video_url`/`image_url` null. vLLM ≥ 0.11.0 (PR #23950) takes it from its processor cache, and
 * answers 400 "Cache miss for video at index N but data is not provided." when it is not there
 * (vllm/multimodal/processing.py:1751 at v0.12.0; simulator/vllm/src/core/processor-cache.ts).
 * Parts without a uuid are kept whole.
 */
export function byReference(parts: readonly ContentPart[]): ContentPart[] {
  return parts.map((p) =>
    p.type === 'video_url' && p.uuid
      ? { type: 'video_url', video_url: null, uuid: p.uuid }
      : p.type === 'image_url' && p.uuid
        ? { type: 'image_url', image_url: null, uuid: p.uuid }
        : p,
  );
}

/** Stable cache id of a media item: sha256 of its bytes (vLLM reuses work by uuid; never reuse one for other content). */
export function mediaUuid(payload: string | Buffer): string {
  return `sha256:${createHash('sha256').update(payload).digest('hex')}`;
}

/** Frames (base64 JPEG) → a prepared frames item (images mode) with its content-hash uuid. */
export function framesMedia(frames: string[], fps: number): PreparedMedia {
  return { kind: 'frames', frames, fps, uuid: mediaUuid(frames.join(',')) };
}

/**
 * Content parts for one clip. Videos are always real containers: `data:video/mp4;base64,…`
 * or a `file://` URL, which vLLM decodes with its OpenCV loader and which carry the metadata
 * (frame count, fps) Qwen3-VL's processor needs. Never `data:video/jpeg;base64,f1,f2,…`: on
 * vLLM ≤ 0.12 that path returns empty metadata and every Qwen3-VL request fails with HTTP 500
 * "VideoMetadata.__init__() missing 1 required positional argument: 'total_num_frames'"
 * (QwenLM/Qwen3-VL#1643, #1762; vllm-project/vllm#30129), and after vllm-project/vllm#37301 it
 * is stamped at 1 fps unless media_io_kwargs says otherwise. `frames` (images mode) is one
 * `image_url` per frame, each with its own uuid, for servers without video support.
 */
export function mediaParts(media: PreparedMedia): ContentPart[] {
  if (media.kind === 'file')
    return [{ type: 'video_url', video_url: { url: media.url }, ...(media.uuid ? { uuid: media.uuid } : {}) }];
  if (media.kind === 'mp4')
    return [{ type: 'video_url', video_url: { url: `data:video/mp4;base64,${media.base64}` }, uuid: media.uuid }];
  return media.frames.map((f) => ({
    type: 'image_url',
    image_url: { url: `data:image/jpeg;base64,${f}` },
    uuid: mediaUuid(f),
  }));
}

/** A `file://` URL for an absolute path (percent-encodes what needs it). */
export function fileUrl(absPath: string): string {
  return new URL(`file://${absPath.split('/').map(encodeURIComponent).join('/')}`).href;
}
