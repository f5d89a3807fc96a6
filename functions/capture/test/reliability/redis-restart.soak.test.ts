/**
 * Fault injection (npm run test:reliability): capture's own Redis is killed and restarted
 * empty. Recording continues on disk meanwhile; clips finished during the outage are enqueued
 * once Redis is back, the lease is taken back and /readyz reflects the outage.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { ClipJob } from '../../../shared/src/clip-job';
import { redisKeys } from '../../../shared/src/keys';
import type { RtspSimHandle } from '../../../../simulator/cameras/src/index';
import { startCapture, type CaptureHandle } from '../../src/app/start-capture';
import { newPrefix, simTemplate, startSim, testConfig } from '../helpers';
import { freePort } from '../../../shared/src/net';
import { redisAnswers } from '../../../shared/src/redis-ping';
import { waitFor } from '../../../../test/support';

const prefix = newPrefix();
const keys = redisKeys(prefix);
let port: number;
let redisProc: ChildProcess | undefined;
let sim: RtspSimHandle | undefined;
let capture: CaptureHandle | undefined;
let clipsDir: string;

async function startRedis(): Promise<void> {
  redisProc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  await waitFor(() => redisAnswers(`redis://127.0.0.1:${port}`), { timeoutMs: 10_000, what: 'private redis-server' });
}

afterAll(async () => {
  await capture?.stop();
  await sim?.stop();
  redisProc?.kill('SIGKILL');
  if (clipsDir) await fs.rm(clipsDir, { recursive: true, force: true });
}, 60_000);

test('recording survives a Redis restart; clips of the outage are enqueued when it is back', async () => {
  port = await freePort();
  await startRedis();
  sim = await startSim(1);
  clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'capture-redis-restart-'));
  capture = await startCapture(
    testConfig({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      CLIPS_DIR: clipsDir,
      REDIS_PREFIX: prefix,
      NUM_STREAMS: '1',
      RTSP_URL_TEMPLATE: simTemplate(sim),
      SEGMENT_SECONDS: '2',
      CAMERA_LEASE_TTL_SECONDS: '3',
      CAMERA_OFFLINE_SECONDS: '30',
      CLIP_RETENTION_INTERVAL_SECONDS: '3600',
    }),
    { serve: false },
  );
  const client = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: null });
  const jobs = async () => (await client.lrange(keys.clips, 0, -1)).map((j) => JSON.parse(j) as ClipJob);
  await waitFor(async () => (await jobs()).length >= 2, { timeoutMs: 20_000, what: 'two clips before the outage' });

  redisProc!.kill('SIGKILL');
  const killedAt = Date.now();
  await waitFor(async () => !(await capture!.readiness()).ready, {
    timeoutMs: 5_000,
    what: '/readyz to report Redis down',
  });
  const onDisk = async () => (await fs.readdir(path.join(clipsDir, 'cam1'))).filter((f) => f.endsWith('.mp4'));
  const before = new Set(await onDisk());
  // ffmpeg keeps recording; finished clips wait (listed) in staging until Redis answers
  const listedLines = async () => {
    const staging = path.join(clipsDir, '.staging', 'cam1');
    let n = 0;
    for (const run of await fs.readdir(staging))
      n += (await fs.readFile(path.join(staging, run, 'list.csv'), 'utf8').catch(() => ''))
        .split('\n')
        .filter(Boolean).length;
    return n;
  };
  const listedAtKill = await listedLines();
  await waitFor(async () => (await listedLines()) >= listedAtKill + 2, {
    timeoutMs: 15_000,
    what: 'clips recorded during the outage',
  });
  process.stdout.write(`redis outage: ${((Date.now() - killedAt) / 1000).toFixed(1)} s\n`);
  await startRedis();

  await waitFor(async () => (await capture!.readiness()).ready, { timeoutMs: 10_000, what: '/readyz to recover' });
  const during = (await onDisk()).filter((f) => !before.has(f));
  await waitFor(
    async () => {
      const ids = new Set((await jobs()).map((j) => path.basename(j.path)));
      return during.every((f) => ids.has(f));
    },
    { timeoutMs: 15_000, what: () => `every clip of the outage (${during.join(', ')}) to be enqueued` },
  );
  await waitFor(async () => (await client.get(keys.cameraLease('cam1'))) === capture!.replicaId, {
    timeoutMs: 10_000,
    what: 'the lease to be taken back',
  });
  const ids = (await jobs()).map((j) => j.id);
  expect(new Set(ids).size).toBe(ids.length);
  client.disconnect();
}, 120_000);
