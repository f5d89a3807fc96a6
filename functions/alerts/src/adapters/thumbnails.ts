import { spawn } from 'node:child_process';
import { resolveClipPath } from '../../../shared/src/clip-path';
import { RetryableError } from '../../../shared/src/errors';
import { firstFrameJpegArgs } from '../../../shared/src/thumbnail-args';

/** Too many thumbnails are waiting for an ffmpeg slot: answer 503 with Retry-After. */
export class ThumbnailsBusyError extends RetryableError {}

export interface ThumbnailOptions {
  readonly clipsDir: string;
  readonly ffmpegPath: string;
  /** Thumbnails kept in memory (one per clip). @default 256 */
  readonly maxEntries?: number;
  /** ffmpeg processes at once (2 cores are shared with everything else). @default 2 */
  readonly concurrency?: number;
  /** Extractions waiting for a slot; beyond it {@link ThumbnailsBusyError}. @default 16 */
  readonly maxWaiting?: number;
  /** An ffmpeg run is killed (SIGKILL) after this. @default 10000 */
  readonly timeoutMs?: number;
  /** Output width in px. @default 480 */
  readonly width?: number;
  /** Called once per ffmpeg run (metrics). */
  readonly onExtract?: () => void;
}

/** One extraction and the requests waiting for it: when the last one goes, the work is abandoned. */
interface Entry {
  readonly jpeg: Promise<Buffer>;
  readonly abort: AbortController;
  waiters: number;
  done: boolean;
}

/**
 * JPEG thumbnails of clips, extracted with ffmpeg once per clip and kept in a small in-memory
 * LRU (a clip never changes once it is in CLIPS_DIR). Concurrent requests for the same clip
 * share one ffmpeg run. Every path goes through the clip path guard first, and the cache is
 * keyed by the path it resolves to, so `cam1/./x.mp4`, `cam1//x.mp4` or a symlink to a clip
 * are one entry, not one ffmpeg each (issue #18.5).
 */
export class ThumbnailCache {
  private readonly cache = new Map<string, Entry>();
  private running = 0;
  private readonly waiting: { start: () => void; signal: AbortSignal }[] = [];
  /** ffmpeg runs so far (tests check "once per clip"). */
  extractions = 0;
  /** ffmpeg runs killed: timed out, or every requester went away. */
  killed = 0;

  constructor(private readonly opts: ThumbnailOptions) {}

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * The JPEG for a clip path relative to CLIPS_DIR. `signal` is the client's: when every client
   * waiting for an extraction has gone, its ffmpeg is killed (or it leaves the queue).
   * @throws PathRejectedError, ThumbnailsBusyError, or Error when ffmpeg fails or times out.
   */
  async get(relPath: string, signal?: AbortSignal): Promise<Buffer> {
    const real = await resolveClipPath(this.opts.clipsDir, relPath);
    let entry = this.cache.get(real);
    if (entry) {
      this.cache.delete(real);
      this.cache.set(real, entry);
    } else {
      if (this.running >= (this.opts.concurrency ?? 2) && this.waiting.length >= (this.opts.maxWaiting ?? 16)) {
        throw new ThumbnailsBusyError(`${this.waiting.length} thumbnails are already waiting for ffmpeg`);
      }
      const abort = new AbortController();
      const jpeg = this.limited(abort.signal, () => this.extract(real, relPath, abort.signal));
      const created: Entry = { jpeg, abort, waiters: 0, done: false };
      entry = created;
      this.cache.set(real, created);
      jpeg.then(
        () => (created.done = true),
        () => {
          created.done = true;
          if (this.cache.get(real) === created) this.cache.delete(real);
        },
      );
      while (this.cache.size > (this.opts.maxEntries ?? 256)) {
        const oldest = this.cache.keys().next().value;
        if (oldest === undefined) break;
        this.cache.delete(oldest);
      }
    }
    return this.wait(entry, signal);
  }

  private wait(entry: Entry, signal: AbortSignal | undefined): Promise<Buffer> {
    if (entry.done || !signal) return entry.jpeg;
    entry.waiters++;
    const leave = () => {
      entry.waiters--;
      if (entry.waiters === 0 && !entry.done) entry.abort.abort();
    };
    if (signal.aborted) {
      leave();
      return entry.jpeg;
    }
    signal.addEventListener('abort', leave, { once: true });
    const off = () => signal.removeEventListener('abort', leave);
    return entry.jpeg.finally(off);
  }

  private async limited<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    if (this.running >= (this.opts.concurrency ?? 2)) {
      await new Promise<void>((resolve, reject) => {
        const slot = { start: resolve, signal };
        this.waiting.push(slot);
        signal.addEventListener(
          'abort',
          () => {
            const i = this.waiting.indexOf(slot);
            if (i >= 0) this.waiting.splice(i, 1);
            reject(new Error('thumbnail abandoned: the client went away'));
          },
          { once: true },
        );
      });
    }
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.start();
    }
  }

  private extract(file: string, relPath: string, signal: AbortSignal): Promise<Buffer> {
    this.extractions++;
    this.opts.onExtract?.();
    const width = this.opts.width ?? 480;
    const timeoutMs = this.opts.timeoutMs ?? 10_000;
    const args = firstFrameJpegArgs(file, width);
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new Error('thumbnail abandoned: the client went away'));
      const child = spawn(this.opts.ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      let why: string | undefined;
      const kill = (reason: string) => {
        if (why !== undefined) return;
        why = reason;
        this.killed++;
        child.kill('SIGKILL');
      };
      const timer = setTimeout(() => kill(`ffmpeg took longer than ${timeoutMs} ms`), timeoutMs);
      const onAbort = () => kill('the client went away');
      signal.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => (err.length < 4000 ? (err += b.toString()) : undefined));
      child.on('error', (e) => reject(new Error(`cannot run ${this.opts.ffmpegPath}: ${e.message}`)));
      child.on('close', (code) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        const jpeg = Buffer.concat(out);
        if (why !== undefined) return reject(new Error(`thumbnail abandoned: ${why}`));
        if (code === 0 && jpeg.length > 0) return resolve(jpeg);
        // never echo the server's absolute path to the browser
        const detail = err.split(file).join(relPath).trim().slice(0, 300);
        reject(new Error(`ffmpeg exited ${code} extracting a thumbnail of ${relPath}: ${detail}`));
      });
    });
  }
}
