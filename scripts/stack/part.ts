import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { LineLog } from './line-log';
import { cmdline, descendants, groupMembers, isAlive, signal } from './proc';
import { waitUntil } from '../../functions/shared/src/async';
import { httpOk } from './wait';
import { within } from '../../functions/shared/src/async';
import { tsLoaderArgs } from '../../functions/shared/src/ts-loader';

/** What the stack knows about one part before starting it (built by plan.ts). */
export interface PartSpec {
  /** `rtsp-sim`, `vllm-sim`, `alerts`, `inference`, `capture` */
  readonly name: string;
  /** entry file, relative to the repository root */
  readonly main: string;
  /** the complete environment of the child */
  readonly env: Readonly<Record<string, string>>;
  /** GET this URL until it answers 2xx: the part is ready */
  readonly readyUrl: string;
  /** how the part wants to be stopped (capture: SIGINT finalises the clip being written) */
  readonly stopSignal: 'SIGINT' | 'SIGTERM';
  /** the part's HTTP base URL, shown in stack.json */
  readonly url: string;
  /** parts that must be ready before this one starts (the others start at the same time) */
  readonly after: readonly string[];
}

export type PartState = 'idle' | 'starting' | 'running' | 'backoff' | 'stopping' | 'stopped' | 'failed';

export interface PartExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: Date;
  readonly tail: readonly string[];
}

export interface PartOptions {
  repoRoot: string;
  logsDir: string;
  /** restarts allowed after unexpected exits */
  maxRestarts: number;
  onEvent?: (message: string) => void;
}

const backoffMs = (restart: number) => Math.min(30_000, 1000 * 2 ** restart);

/** A part that ran this long before it died was healthy: its restart budget starts again. */
export const HEALTHY_RUN_MS = 60_000;

/**
 * Restarts used so far after an exit: reset when the run lasted HEALTHY_RUN_MS. Without it the
 * count never fell, so capture stopped for good after its 5th exit, hours apart, and each restart
 * waited longer (1, 2, 4, 8, 16 s: gaps of 2–19 s; probe finding 8, issue #26.5).
 */
export function restartsAfterRun(restarts: number, ranMs: number): number {
  return ranMs >= HEALTHY_RUN_MS ? 0 : restarts;
}

/**
 * One supervised part: a `node --import tsx <main>` child in its own process group (detached),
 * its output in `<logs>/<name>.log`. An unexpected exit is reported with the tail of the log
 * and restarted with backoff up to `maxRestarts` times. `stop()` signals the leader, waits,
 * escalates to SIGKILL of the group after the grace time, then kills anything left over.
 */
export class Part extends EventEmitter {
  state: PartState = 'idle';
  restarts = 0;
  lastExit: PartExit | undefined;
  /** every pid this part ever had (restarts included) */
  readonly pids: number[] = [];
  readonly log: LineLog;
  private child: ChildProcess | undefined;
  private exitPromise: Promise<void> = Promise.resolve();
  private restartTimer: NodeJS.Timeout | undefined;
  /**
   * Live processes of this part's tree (pid → command line when first seen). A pid is only ever
   * killed while its command line is unchanged, so a recycled pid is never hit.
   */
  private readonly known = new Map<number, string>();
  /** restarts are for parts that ran: one that dies before its first ready is misconfigured, not unlucky */
  private everReady = false;
  /** When the current child was spawned (restart budget reset). */
  private startedAt = 0;

  constructor(
    readonly spec: PartSpec,
    private readonly opts: PartOptions,
  ) {
    super();
    this.log = new LineLog(path.join(opts.logsDir, `${spec.name}.log`), spec.name);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the child (no waiting). */
  start(): void {
    this.startedAt = Date.now();
    const child = spawn(process.execPath, [...tsLoaderArgs(), this.spec.main], {
      cwd: this.opts.repoRoot,
      env: { ...this.spec.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.state = 'starting';
    if (child.pid !== undefined) this.pids.push(child.pid);
    this.log.write(`--- started pid ${child.pid ?? '?'} at ${new Date().toISOString()} ---`);
    this.log.attach(child.stdout);
    this.log.attach(child.stderr);
    this.exitPromise = new Promise((resolve) => {
      child.once('error', (err) => {
        this.log.write(`spawn failed: ${err.message}`);
        if (child.pid === undefined) this.onExit(child, 1, null).then(resolve, resolve);
      });
      child.once('exit', (code, sig) => void this.onExit(child, code, sig).then(resolve, resolve));
    });
    this.emit('spawn', child.pid);
  }

  /** Waits until the ready URL answers; throws when the child exits first or the time runs out. */
  async waitReady(timeoutMs: number, abortIf?: () => string | undefined): Promise<void> {
    const started = this.child;
    await waitUntil(() => httpOk(this.spec.readyUrl), {
      timeoutMs,
      what: `${this.spec.name} at ${this.spec.readyUrl}`,
      everyMs: 300,
      abortIf: () =>
        abortIf?.() ??
        (this.child !== started || !this.alive
          ? `${this.spec.name} exited (${describeExit(this.lastExit)})`
          : undefined),
    });
    this.everReady = true;
    if (this.state === 'starting') this.state = 'running';
  }

  /** The descendants seen alive at the last look (ffmpeg, servers …), for stack.json. */
  knownPids(): number[] {
    return [...this.known.keys()];
  }

  /** Synchronous last resort (uncaught error, process exit): SIGKILL the group and every known descendant. */
  killNow(): void {
    if (this.child?.pid !== undefined && this.alive) signal(-this.child.pid, 'SIGKILL');
    for (const pid of this.stillKnown()) signal(pid, 'SIGKILL');
  }

  /**
   * Records the live descendants (ffmpeg, rtsp server …) so they can be swept even if they leave
   * the process group or get re-parented, and forgets the ones that ended (per-clip ffmpeg runs
   * come and go; the map stays the size of the live tree).
   */
  rememberDescendants(): void {
    for (const [pid, cmd] of this.known) if (cmdline(pid) !== cmd) this.known.delete(pid);
    if (this.child?.pid === undefined || !this.alive) return;
    for (const pid of descendants(this.child.pid)) {
      const cmd = this.known.has(pid) ? undefined : cmdline(pid);
      if (cmd !== undefined) this.known.set(pid, cmd);
    }
  }

  /** Known descendants still running the same command (never a recycled pid). */
  private stillKnown(): number[] {
    return [...this.known]
      .filter(([pid, cmd]) => pid !== process.pid && isAlive(pid) && cmdline(pid) === cmd)
      .map(([pid]) => pid);
  }

  private async onExit(child: ChildProcess, code: number | null, sig: NodeJS.Signals | null): Promise<void> {
    const exit: PartExit = { code, signal: sig, at: new Date(), tail: this.log.tail(8) };
    this.lastExit = exit;
    this.log.write(`--- exited (${describeExit(exit)}) ---`);
    this.sweep(child.pid);
    if (this.state === 'stopping' || this.state === 'stopped') return;
    this.emit('died', exit);
    if (!this.everReady) {
      this.state = 'failed';
      return; // waitReady reports it, with the tail of the log
    }
    this.restarts = restartsAfterRun(this.restarts, exit.at.getTime() - this.startedAt);
    if (this.restarts >= this.opts.maxRestarts) {
      this.state = 'failed';
      this.opts.onEvent?.(
        `${this.spec.name} died (${describeExit(exit)}); not restarting (${this.restarts}/${this.opts.maxRestarts} restarts used)`,
      );
      return;
    }
    const delay = backoffMs(this.restarts);
    this.state = 'backoff';
    this.opts.onEvent?.(
      `${this.spec.name} died (${describeExit(exit)}); restarting in ${delay / 1000} s (restart ${this.restarts + 1}/${this.opts.maxRestarts})`,
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.state !== 'backoff') return;
      this.restarts++;
      this.start();
      void this.waitReady(60_000).catch(() => undefined);
    }, delay);
  }

  /** Kills whatever is left of the child's process group and of its known descendants. */
  private sweep(pid: number | undefined): number {
    if (pid !== undefined) this.rememberDescendants();
    const left = new Set<number>([...(pid !== undefined ? groupMembers(pid) : []), ...this.stillKnown()]);
    left.delete(process.pid);
    if (pid !== undefined) signal(-pid, 'SIGKILL');
    for (const p of left) signal(p, 'SIGKILL');
    if (left.size > 0) this.log.write(`swept ${left.size} leftover process(es): ${[...left].join(' ')}`);
    return left.size;
  }

  /**
   * Stops the part and resolves once it and its process group are gone. Returns whether the
   * grace time ran out (the group got SIGKILL).
   */
  async stop(graceMs: number): Promise<{ escalated: boolean }> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const wasAlive = this.alive;
    this.state = 'stopping';
    if (!wasAlive || this.child?.pid === undefined) {
      this.state = 'stopped';
      return { escalated: false };
    }
    this.rememberDescendants();
    const pid = this.child.pid;
    signal(pid, this.spec.stopSignal);
    const timedOut = await within(
      this.exitPromise.then(() => false),
      graceMs,
      true,
    );
    if (timedOut) {
      signal(-pid, 'SIGKILL');
      await this.exitPromise;
    }
    this.state = 'stopped';
    return { escalated: timedOut };
  }

  /** For a Ctrl-C during start-up: stop at once, no grace. */
  async kill(): Promise<void> {
    this.state = 'stopping';
    if (this.child?.pid !== undefined && this.alive) {
      signal(-this.child.pid, 'SIGKILL');
      await this.exitPromise;
    }
    this.state = 'stopped';
  }

  async close(): Promise<void> {
    await this.log.close();
  }
}

export function describeExit(exit: PartExit | undefined): string {
  if (!exit) return 'not started';
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code ?? '?'}`;
}
