import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { h264RenditionArgs } from '../core/h264-rendition';
import { FfmpegCache, type FfmpegCacheOptions } from './ffmpeg-cache';

export type RenditionOptions = Omit<FfmpegCacheOptions, 'what' | 'job'>;

/**
 * H.264 copies of clips a browser cannot play (issue #26.4), made once per clip and cached like
 * the thumbnails (ffmpeg-cache.ts: path guard first, bounded entries, runs and queue, killed when
 * every client leaves). ffmpeg writes each into the OS temp folder (never into CLIPS_DIR, which
 * capture's retention owns), the cache reads it back and deletes it.
 */
export class RenditionCache extends FfmpegCache {
  constructor(opts: RenditionOptions) {
    super({
      // a transcode costs ~a core for seconds: one at a time, few waiting, few kept (≈1 MB per 5 s clip)
      maxEntries: 8,
      concurrency: 1,
      maxWaiting: 4,
      timeoutMs: 60_000,
      ...opts,
      what: 'an H.264 copy',
      job: (file) => {
        const outFile = path.join(os.tmpdir(), `alerts-h264-${randomBytes(8).toString('hex')}.mp4`);
        return { args: h264RenditionArgs(file, outFile), outFile };
      },
    });
  }
}
