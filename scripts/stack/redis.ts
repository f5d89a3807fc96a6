import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LineLog } from './line-log';
import { freeTcpPort } from './ports';
import { signal } from './proc';
import { waitUntil } from '../../functions/shared/src/async';
import { redisAnswers as redisAnswersViaClient } from '../../functions/shared/src/redis-ping';

const resp = (...args: string[]) =>
  `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

/**
 * True when a Redis server answers PING at `url` within `timeoutMs` (AUTH first when the URL
 * has credentials). A raw socket rather than a client: nothing lingers after a refused connection.
 */
export async function redisAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  const u = new URL(url);
  if (u.protocol !== 'redis:') return redisAnswersViaClient(url, timeoutMs); // TLS: let the client speak it
  const auth = u.password
    ? [resp('AUTH', ...(u.username ? [decodeURIComponent(u.username)] : []), decodeURIComponent(u.password))]
    : [];
  return new Promise((resolve) => {
    const sock = net.connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) });
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write(auth.join('') + resp('PING')));
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (buf.includes('+PONG')) done(true);
      else if (buf.startsWith('-') || buf.includes('\r\n-')) done(false);
    });
  });
}

/** True when `command` is an executable file, by path or found on PATH. */
export function commandExists(command: string, pathEnv: string): boolean {
  const executable = (file: string) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/')) return executable(command);
  return pathEnv
    .split(path.delimiter)
    .filter(Boolean)
    .some((dir) => executable(path.join(dir, command)));
}

export interface LaunchedRedis {
  readonly url: string;
  readonly pid: number;
  readonly dir: string;
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a throw-away `redis-server` on a free loopback port with a temp dir and no
 * persistence (`--save '' --appendonly no`), in its own process group; resolves once it
 * answers PING. `stop()` shuts it down and removes the dir.
 */
export async function launchRedis(command: string, logsDir: string, timeoutMs = 15000): Promise<LaunchedRedis> {
  const port = await freeTcpPort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safety-hanta-redis-'));
  const log = new LineLog(path.join(logsDir, 'redis.log'), 'redis');
  const child: ChildProcess = spawn(
    command,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  log.attach(child.stdout);
  log.attach(child.stderr);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => ((exited = true), resolve()));
    child.once('error', (err) => {
      log.write(`spawn failed: ${err.message}`);
      exited = true;
      resolve();
    });
  });
  const url = `redis://127.0.0.1:${port}`;
  const cleanup = async () => {
    await log.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(() => redisAnswers(url, 500), {
      timeoutMs,
      what: `redis-server on port ${port}`,
      abortIf: () => (exited ? `redis-server exited: ${log.tail(3).join(' | ')}` : undefined),
    });
  } catch (err) {
    if (child.pid !== undefined) signal(-child.pid, 'SIGKILL');
    await exit;
    await cleanup();
    throw err;
  }
  return {
    url,
    pid: child.pid!,
    dir,
    stop: async (graceMs = 5000) => {
      if (!exited) {
        signal(child.pid!, 'SIGTERM');
        const timer = setTimeout(() => signal(-child.pid!, 'SIGKILL'), graceMs);
        await exit;
        clearTimeout(timer);
      }
      await cleanup();
    },
  };
}
