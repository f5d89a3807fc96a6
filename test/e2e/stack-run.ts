/**
 * `npm start` as a user runs it, for the e2e tests: a private key prefix, clips and stack folders
 * under one temp dir, the package.json start script's own command, and a cleanup that leaves no
 * process, key or file behind even when an assertion failed half-way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { redisKeys, type RedisKeys } from '../../functions/shared/src/keys';
import { alive, deleteKeysUnder, freePort, kill, pgrep, TEST_REDIS_URL, waitUntil } from '../support';

export const REPO = path.resolve(__dirname, '../..');

export interface StackJson {
  pid: number;
  state: string;
  dashboardUrl: string;
  loginUrl?: string;
  redis: { pid?: number };
  parts: { name: string; url: string; pids: number[]; descendants: number[] }[];
}

export interface E2eStack {
  prefix: string;
  keys: RedisKeys;
  redis: Redis;
  tmp: string;
  clipsDir: string;
  stackDir: string;
  readState: () => StackJson | undefined;
  /** Starts the stack with these env vars on top of the test's own (PORT chosen here). */
  start(env: Record<string, string>): Promise<{ child: ChildProcess; dashboard: string; port: number }>;
  /** Waits for the state file to say `running`. */
  running(timeoutMs?: number): Promise<void>;
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
  /** The stack's output and the last lines of every part's log, for a failure message. */
  diag: () => string;
  cleanup(): Promise<void>;
}

/** Every pid the state file reports: the stack, a Redis it launched, every part, restart and descendant. */
export const reportedPids = (s: StackJson | undefined): number[] =>
  s ? [s.pid, ...(s.redis.pid ? [s.redis.pid] : []), ...s.parts.flatMap((p) => [...p.pids, ...p.descendants])] : [];

export function e2eStack(label: string): E2eStack {
  const prefix = `test-${randomUUID()}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `safety-hanta-${label}-`));
  const clipsDir = path.join(tmp, 'clips');
  const stackDir = path.join(tmp, 'stack');
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2 });
  let child: ChildProcess | undefined;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  let output = '';

  const readState = (): StackJson | undefined => {
    try {
      return JSON.parse(fs.readFileSync(path.join(stackDir, 'stack.json'), 'utf8')) as StackJson;
    } catch {
      return undefined;
    }
  };
  const logTails = () => {
    const dir = path.join(stackDir, 'logs');
    if (!fs.existsSync(dir)) return '';
    return fs
      .readdirSync(dir)
      .map((f) => {
        const lines = fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n');
        return `--- ${f} ---\n${lines
          .slice(-6)
          .map((l) => l.slice(0, 300))
          .join('\n')}`;
      })
      .join('\n');
  };
  const diag = () => `stack output:\n${output.slice(-3000)}\n${logTails()}`;

  return {
    prefix,
    keys: redisKeys(prefix),
    redis,
    tmp,
    clipsDir,
    stackDir,
    readState,
    output: () => output,
    diag,
    async start(extra) {
      const port = await freePort();
      const startScript = (
        JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: { start: string } }
      ).scripts.start;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PATH: `${path.join(REPO, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        CLIPS_DIR: clipsDir,
        STACK_DIR: stackDir,
        // the record's PGlite folder in this run's temp folder: the default (.safety-hanta/record) is in the
        // checkout, where another stack test would open the same database at the same time
        RECORD_DIR: path.join(tmp, 'record'),
        PORT: String(port),
        // a stable cache: rendering is deterministic, and re-rendering every run costs ~15 s of CPU
        SCENES_DIR: path.join(os.tmpdir(), 'safety-hanta-e2e-scenes'),
        STACK_STATUS: 'lines',
        STACK_STATUS_SECONDS: '5',
        LOG_LEVEL: 'info',
        ...extra,
      };
      // the package.json start script's command itself (`tsx scripts/start-stack.ts`), resolved in
      // node_modules/.bin as npm does, in its own process group like a terminal's foreground job.
      // Not through npm/sh: on Ctrl-C npm always exits 130 and sh re-raises SIGINT, whatever the stack did.
      const [command, ...args] = startScript.trim().split(/\s+/) as [string, ...string[]];
      const c = spawn(command, args, { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      c.stdout.on('data', (d: Buffer) => (output += d.toString()));
      c.stderr.on('data', (d: Buffer) => (output += d.toString()));
      exited = new Promise((resolve) => c.once('exit', (code, signal) => resolve({ code, signal })));
      return { child: c, dashboard: `http://127.0.0.1:${port}`, port };
    },
    async running(timeoutMs = 150_000) {
      await waitUntil(() => readState()?.state === 'running', {
        timeoutMs,
        what: () => `the stack to be running\n${diag()}`,
        everyMs: 500,
      });
    },
    exited() {
      if (!exited) throw new Error('the stack was not started');
      return exited;
    },
    async cleanup() {
      if (child?.pid !== undefined) kill(-child.pid, 'SIGKILL');
      for (const pid of reportedPids(readState())) if (alive(pid)) kill(pid, 'SIGKILL');
      for (const pid of pgrep(tmp)) kill(pid, 'SIGKILL');
      await deleteKeysUnder(redis, prefix);
      redis.disconnect();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
