import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sleep, within } from '../../functions/shared/src/async';
export { freePort } from '../../functions/shared/src/net';
import { tsLoaderArgs, tsLoaderEnv } from '../../functions/shared/src/ts-loader';

/**
 * Parts of the system as real child processes (`node <TypeScript loader> <main>`, ts-loader.ts), each in its own
 * process group so a stop or a `kill -9` takes its ffmpeg children with it, as a pod's death does.
 * Used by the tests (functions, e2e, reliability) and the benchmarks. Every part started here is
 * stopped when the test file ends, even when the test that started it failed before its own stop.
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
  const child = spawn(process.execPath, [...tsLoaderArgs(), path.join(REPO_ROOT, main)], {
    cwd: REPO_ROOT,
    env: { ...tsLoaderEnv(), ...clean },
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
  const part: PartProcess = {
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
  started.add(part);
  void exited.then(() => started.delete(part));
  return part;
}

const started = new Set<PartProcess>();

/** Stops every part still running (bounded grace each); what the afterAll below runs. */
export async function stopStartedParts(graceMs = 5000): Promise<void> {
  await Promise.all([...started].map((p) => p.stop(graceMs)));
}

// Under Jest, a part a failed test never stopped must not outlive the file (nor keep Jest alive).
// Benchmarks run without Jest; they stop their parts themselves.
if (typeof afterAll === 'function') {
  try {
    afterAll(() => stopStartedParts(), 30_000);
  } catch {
    // imported from inside a running test: hooks cannot be added there; the test stops its parts
  }
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

/** True while `pid` exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Pids (other than ours) whose command line contains `needle` (pgrep -f). */
export function pgrep(needle: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', needle], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .filter((p) => p !== process.pid && alive(p));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Sends `sig` to `pid`; a process already gone is not an error. */
export function kill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone already
  }
}
