import { spawn } from 'node:child_process';
import { resolveClipPath } from '../../../shared/src/clip-path';

export interface ThumbnailOptions {
  readonly clipsDir: string;
  readonly ffmpegPath: string;
  /** Thumbnails kept in memory (one per clip). @default 256 */
  readonly maxEntries?: number;
  /** ffmpeg processes at once (2 cores are shared with everything else). @default 2 */
  readonly concurrency?: number;
  /** Output width in px. @default 480 */
  readonly width?: number;
  /** Called once per ffmpeg run (metrics). */
  readonly onExtract?: () => void;
}

/**
 * JPEG thumbnails of clips, extracted with ffmpeg once per clip and kept in a small in-memory
 * LRU (a clip never changes once it is in CLIPS_DIR). Concurrent requests for the same clip
 * share one ffmpeg run. Every path goes through the clip path guard first.
 */
export class ThumbnailCache {
  private readonly cache = new Map<string, Promise<Buffer>>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** ffmpeg runs so far (tests check "once per clip"). */
  extractions = 0;

  constructor(private readonly opts: ThumbnailOptions) {}

  /** The JPEG for a clip path relative to CLIPS_DIR. @throws PathRejectedError, or Error when ffmpeg fails. */
  async get(relPath: string): Promise<Buffer> {
    const hit = this.cache.get(relPath);
    if (hit) {
      this.cache.delete(relPath);
      this.cache.set(relPath, hit);
      return hit;
    }
    const real = await resolveClipPath(this.opts.clipsDir, relPath);
    const pending = this.limited(() => this.extract(real));
    this.cache.set(relPath, pending);
    pending.catch(() => this.cache.delete(relPath));
    while (this.cache.size > (this.opts.maxEntries ?? 256)) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return pending;
  }

  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= (this.opts.concurrency ?? 2)) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private extract(file: string): Promise<Buffer> {
    this.extractions++;
    this.opts.onExtract?.();
    const width = this.opts.width ?? 480;
    // First frame: clips start on a keyframe (capture cuts on GOP boundaries), so no decoding ahead.
    const args = ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-frames:v', '1', '-vf', `scale=${width}:-2`, '-q:v', '5', '-f', 'image2', '-c:v', 'mjpeg', 'pipe:1'];
    return new Promise((resolve, reject) => {
      const child = spawn(this.opts.ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      child.on('error', (e) => reject(new Error(`cannot run ${this.opts.ffmpegPath}: ${e.message}`)));
      child.on('close', (code) => {
        const jpeg = Buffer.concat(out);
        if (code === 0 && jpeg.length > 0) resolve(jpeg);
        else reject(new Error(`ffmpeg exited ${code} extracting a thumbnail: ${err.trim().slice(0, 300)}`));
      });
    });
  }
}
