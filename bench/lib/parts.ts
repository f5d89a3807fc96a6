import { sleep, within } from '../../functions/shared/src/async';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
export { freePort } from '../../functions/shared/src/net';

/**
 * Parts of the system as real child processes (`node --import tsx <main>`), each in its own
 * process group so a stop or a `kill -9` takes its ffmpeg children with it, as a pod's death does.
 * Used by the benchmarks and the reliability tests.
 */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export const MAINS = {
  capture: 'functions/capture/src/main.ts',
  inference: 'functions/inference/src/main.ts',
  alerts: 'functions/alerts/src/main.ts',
  vllmSim: 'simulator/vllm/src/main.ts',
  rtspSim: 'simulator/cameras/src/main.ts',
} as const;

export interface PartProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** resolves with how it ended (never rejects) */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** the last lines of stdout+stderr */
  logs(): string;
  /** parsed pino lines (JSON) so far */
  records(): Record<string, unknown>[];
  /** signal to the whole process group */
  kill(sig: NodeJS.Signals): void;
  /** graceful signal, then SIGKILL to the group after `graceMs`; idempotent */
  stop(graceMs?: number): Promise<void>;
}

export function startPart(
  name: string,
  main: string,
  env: Record<string, string | undefined>,
  stopSignal: NodeJS.Signals = 'SIGTERM',
): PartProcess {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) clean[k] = v;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, main)], {
    cwd: REPO_ROOT,
    env: clean,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const records: Record<string, unknown>[] = [];
  const onData = (stream: NodeJS.ReadableStream) => {
    let partial = '';
    stream.on('data', (d: Buffer) => {
      const parts = (partial + d.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const l of parts) {
        lines.push(l);
        if (lines.length > 400) lines.shift();
        if (l.startsWith('{')) {
          try {
            records.push(JSON.parse(l) as Record<string, unknown>);
          } catch {
            // not a pino line
          }
        }
      }
    });
  };
  onData(child.stdout);
  onData(child.stderr);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  const killGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // group already gone
    }
  };
  let stopping: Promise<void> | undefined;
  return {
    name,
    pid: child.pid!,
    child,
    exited,
    alive: () => !done,
    logs: () => lines.join('\n'),
    records: () => records,
    kill: killGroup,
    stop: (graceMs = 10_000) =>
      (stopping ??= (async () => {
        if (!done) {
          killGroup(stopSignal);
          // `within` clears its timer: a bare race with sleep() left an 8 s timer behind, which is
          // what made Jest say it "did not exit one second after the test run has completed".
          await within(exited, graceMs, undefined);
        }
        killGroup('SIGKILL'); // also any child left behind in the group
      })()),
  };
}

/** Polls `url` until it answers 2xx (or the part dies, or the deadline passes). */
export async function waitHttpOk(url: string, part?: PartProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (part && !part.alive())
      throw new Error(`${part.name} exited before ${url} answered:\n${part.logs().slice(-3000)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline)
      throw new Error(
        `${url} did not answer 2xx within ${timeoutMs} ms${part ? `:\n${part.logs().slice(-3000)}` : ''}`,
      );
    await sleep(100);
  }
}

/** Polls `check` every `everyMs` until it returns a value other than undefined/false. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
