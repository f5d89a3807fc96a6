import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '../../functions/shared/src/async';
import { freePort } from '../../functions/shared/src/net';
import { redisAnswers } from '../../functions/shared/src/redis-ping';

/**
 * A test's own redis-server, for kill -9 and restart tests (never the system one on 6379): free port, temp dir, append-only
 * file on, so a restart keeps the data like a Redis with a persistent volume does.
 */
export interface OwnRedis {
  readonly url: string;
  readonly port: number;
  /** SIGTERM (Redis flushes the AOF and exits), or SIGKILL */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** starts it again on the same port and dir */
  start(): Promise<void>;
  /** stops it for good and removes the dir */
  destroy(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-redis-'));
  let child: ChildProcess | undefined;
  const ping = () => redisAnswers(`redis://127.0.0.1:${port}`);

  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(ping, { timeoutMs: 15_000, what: `redis-server on ${port}`, everyMs: 50 });
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill(signal);
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    destroy: async () => {
      await stop('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
