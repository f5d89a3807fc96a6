import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { resolveClipPath } from '../../../shared/src/clip-path';
import { RetryableError } from '../../../shared/src/errors';

/** Too many runs are waiting for an ffmpeg slot: answer 503 with Retry-After. */
export class FfmpegBusyError extends RetryableError {}

/** One ffmpeg run for a clip: its argv, and where its output lands (stdout when no `outFile`). */
export interface FfmpegJob {
  readonly args: string[];
  /** A file ffmpeg writes (a seekable output, e.g. a faststart MP4); read, then deleted. */
  readonly outFile?: string | undefined;
}

export interface FfmpegCacheOptions {
  readonly clipsDir: string;
  readonly ffmpegPath: string;
  /** What is made, for messages ("a thumbnail", "an H.264 copy"). */
  readonly what: string;
  /** The run for a clip that passed the path guard (absolute path). */
  readonly job: (file: string) => FfmpegJob;
  /** Results kept in memory (one per clip). @default 256 */
  readonly maxEntries?: number;
  /** ffmpeg processes at once (2 cores are shared with everything else). @default 2 */
  readonly concurrency?: number;
  /** Extractions waiting for a slot; beyond it {@link FfmpegBusyError}. @default 16 */
  readonly maxWaiting?: number;
  /** An ffmpeg run is killed (SIGKILL) after this. @default 10000 */
  readonly timeoutMs?: number;
  /** Called once per ffmpeg run (metrics). */
  readonly onExtract?: () => void;
}

/** One extraction and the requests waiting for it: when the last one goes, the work is abandoned. */
interface Entry {
  readonly output: Promise<Buffer>;
  readonly abort: AbortController;
  waiters: number;
  done: boolean;
}

/**
 * What ffmpeg makes of a clip (thumbnails.ts: a JPEG; renditions.ts: an H.264 copy), made once
 * per clip and kept in a small in-memory LRU (a clip never changes once it is in CLIPS_DIR).
 * Concurrent requests for the same clip share one ffmpeg run; runs at once and runs waiting are
 * bounded. Every path goes through the clip path guard first, and the cache is keyed by the path
 * it resolves to, so `cam1/./x.mp4`, `cam1//x.mp4` or a symlink to a clip are one entry, not one
 * ffmpeg each (issue #18.5).
 */
export class FfmpegCache {
  private readonly cache = new Map<string, Entry>();
  private running = 0;
  private readonly waiting: { start: () => void; signal: AbortSignal }[] = [];
  /** ffmpeg runs so far (tests check "once per clip"). */
  extractions = 0;
  /** ffmpeg runs killed: timed out, or every requester went away. */
  killed = 0;

  constructor(private readonly opts: FfmpegCacheOptions) {}

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * The output for a clip path relative to CLIPS_DIR. `signal` is the client's: when every client
   * waiting for a run has gone, its ffmpeg is killed (or it leaves the queue).
   * @throws PathRejectedError, FfmpegBusyError, or Error when ffmpeg fails or times out.
   */
  async get(relPath: string, signal?: AbortSignal): Promise<Buffer> {
    const real = await resolveClipPath(this.opts.clipsDir, relPath);
    let entry = this.cache.get(real);
    if (entry) {
      this.cache.delete(real);
      this.cache.set(real, entry);
    } else {
      if (this.running >= (this.opts.concurrency ?? 2) && this.waiting.length >= (this.opts.maxWaiting ?? 16)) {
        throw new FfmpegBusyError(`${this.waiting.length} runs (${this.opts.what}) are already waiting for ffmpeg`);
      }
      const abort = new AbortController();
      const output = this.limited(abort.signal, () => this.extract(real, relPath, abort.signal));
      const created: Entry = { output, abort, waiters: 0, done: false };
      entry = created;
      this.cache.set(real, created);
      output.then(
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
    if (entry.done || !signal) return entry.output;
    entry.waiters++;
    const leave = () => {
      entry.waiters--;
      if (entry.waiters === 0 && !entry.done) entry.abort.abort();
    };
    if (signal.aborted) {
      leave();
      return entry.output;
    }
    signal.addEventListener('abort', leave, { once: true });
    const off = () => signal.removeEventListener('abort', leave);
    return entry.output.finally(off);
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
            reject(new Error(`${this.opts.what} abandoned: the client went away`));
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

  private async extract(file: string, relPath: string, signal: AbortSignal): Promise<Buffer> {
    const { args, outFile } = this.opts.job(file);
    try {
      const stdout = await this.spawnRun(args, file, relPath, signal);
      const made = outFile ? await fs.readFile(outFile) : stdout;
      if (made.length === 0) throw new Error(`ffmpeg made an empty ${this.opts.what} of ${relPath}`);
      return made;
    } finally {
      if (outFile) await fs.rm(outFile, { force: true });
    }
  }

  private spawnRun(args: string[], file: string, relPath: string, signal: AbortSignal): Promise<Buffer> {
    this.extractions++;
    this.opts.onExtract?.();
    const timeoutMs = this.opts.timeoutMs ?? 10_000;
    const what = this.opts.what;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new Error(`${this.opts.what} abandoned: the client went away`));
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
        const stdout = Buffer.concat(out);
        if (why !== undefined) return reject(new Error(`${what} abandoned: ${why}`));
        if (code === 0) return resolve(stdout);
        // never echo the server's absolute path to the browser
        const detail = err.split(file).join(relPath).trim().slice(0, 300);
        reject(new Error(`ffmpeg exited ${code} making ${what} of ${relPath}: ${detail}`));
      });
    });
  }
}
