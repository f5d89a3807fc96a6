import { firstFrameJpegArgs } from '../../../shared/src/thumbnail-args';
import { FfmpegBusyError, FfmpegCache, type FfmpegCacheOptions } from './ffmpeg-cache';

/** Too many thumbnails are waiting for an ffmpeg slot: answer 503 with Retry-After. */
export { FfmpegBusyError as ThumbnailsBusyError };

export interface ThumbnailOptions extends Omit<FfmpegCacheOptions, 'what' | 'job'> {
  /** Output width in px. @default 480 */
  readonly width?: number;
}

/** JPEG thumbnails of clips' first frames (ffmpeg-cache.ts: once per clip, bounded, path-guarded). */
export class ThumbnailCache extends FfmpegCache {
  constructor(opts: ThumbnailOptions) {
    const width = opts.width ?? 480;
    super({ ...opts, what: 'a thumbnail', job: (file) => ({ args: firstFrameJpegArgs(file, width) }) });
  }
}
