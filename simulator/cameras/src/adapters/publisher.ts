import { spawn, type ChildProcess } from 'node:child_process';
import { buildPublishArgs } from '../core/publish-args';
import { terminate } from './child';

export type PublisherState = 'up' | 'down';

export interface PublisherEvents {
  /** the ffmpeg publisher exited while it should have been up (it is restarted after a back-off) */
  onUnexpectedExit?: (code: number | null, signal: string | null, stderr: string) => void;
}

/**
 * One camera's ffmpeg publisher, supervised: restarted with back-off (1 → 10 s) if it dies on
 * its own; `drop()` stops it on purpose (SIGTERM, so the server frees the path) and keeps it down
 * until `restore()`.
 */
export class Publisher {
  private child: ChildProcess | undefined;
  private desired: PublisherState = 'down';
  private restartTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  restarts = 0;

  constructor(
    readonly videoPath: string,
    readonly publishUrl: string,
    private readonly ffmpegPath = 'ffmpeg',
    private readonly events: PublisherEvents = {},
  ) {}

  get state(): PublisherState {
    return this.desired;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts publishing (no-op when already up). */
  start(): void {
    this.desired = 'up';
    if (!this.child) this.spawn();
  }

  /** Stops publishing and waits until ffmpeg has exited. */
  async stop(): Promise<void> {
    this.desired = 'down';
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    if (child) await terminate(child, 'SIGTERM', 5000);
  }

  private spawn(): void {
    const child = spawn(this.ffmpegPath, buildPublishArgs(this.videoPath, this.publishUrl), {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    const startedAt = Date.now();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child.on('error', () => undefined); // 'exit' follows; a missing binary shows up as code null
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (this.desired !== 'up') return;
      this.events.onUnexpectedExit?.(code, signal, stderr);
      this.failures = Date.now() - startedAt > 30000 ? 1 : this.failures + 1;
      const delay = Math.min(10000, 1000 * 2 ** (this.failures - 1));
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (this.desired === 'up' && !this.child) {
          this.restarts++;
          this.spawn();
        }
      }, delay);
    });
  }
}
