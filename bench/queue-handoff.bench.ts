import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { ClipQueue } from '../functions/shared/src/queue';
import { redisKeys } from '../functions/shared/src/keys';
import type { ClipJob } from '../functions/shared/src/clip-job';
import { percentile, type BenchTable } from './table';
import { sleep } from '../functions/shared/src/async';
import { syntheticClipArgs } from '../simulator/cameras/src/index';

/**
 * Benchmark 2: what crosses Redis per clip, path passing vs clip bytes, and enqueue → claim
 * latency at 10 and 100 jobs/s, against the real Redis at REDIS_URL.
 */
export async function queueHandoffBench(redisUrl: string): Promise<BenchTable> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const prefix = `bench-${randomUUID()}`;
  const keys = redisKeys(prefix);
  const queue = new ClipQueue(redis, { keys, maxAttempts: 3, heartbeatTtlSeconds: 30 });
  const rows: (string | number)[][] = [];
  try {
    const clipBytes = makeClip();
    const job: ClipJob = {
      v: 1,
      id: 'cam1-20261128T204000Z',
      cameraId: 'cam1',
      path: 'cam1/20261128T204000Z.mp4',
      startedAt: '2026-11-28T20:40:00.000Z',
      durationMs: 5000,
      bytes: clipBytes.length,
      attempt: 0,
    };
    const pathJob = Buffer.byteLength(JSON.stringify(job));
    const bytesJob = Buffer.byteLength(JSON.stringify({ ...job, data: clipBytes.toString('base64') }));
    const memPath = await memoryOf(redis, `${prefix}:m1`, JSON.stringify(job));
    const memBytes = await memoryOf(
      redis,
      `${prefix}:m2`,
      JSON.stringify({ ...job, data: clipBytes.toString('base64') }),
    );
    rows.push(['bytes per job on the wire', pathJob, bytesJob, `${(bytesJob / pathJob).toFixed(0)}×`]);
    rows.push(['Redis memory per queued job (MEMORY USAGE)', memPath, memBytes, `${(memBytes / memPath).toFixed(0)}×`]);
    for (const rate of [10, 100]) {
      const lat = await claimLatency(queue, rate, rate === 10 ? 100 : 500);
      rows.push([
        `enqueue → claim p50 / p99 at ${rate} jobs/s (ms)`,
        `${lat.p50.toFixed(2)} / ${lat.p99.toFixed(2)}`,
        '',
        '',
      ]);
    }
  } finally {
    await queue.close();
    const found = await redis.keys(`${prefix}:*`);
    if (found.length) await redis.del(...found);
    redis.disconnect();
  }
  return {
    title: 'Queue hand-off: path passing vs clip bytes in Redis',
    command: 'npm run bench -- queue',
    columns: ['measure', 'path only (ours)', 'clip bytes (base64) in Redis', 'ratio'],
    rows,
    notes: [
      'clip: 5 s, 1280×720, 25 fps H.264 (1 s GOP) rendered with ffmpeg testsrc2; latency measured with one consumer blocked in BLMOVE on its own connection',
    ],
  };
}

function makeClip(): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-clip-'));
  const file = path.join(dir, 'clip.mp4');
  execFileSync('ffmpeg', syntheticClipArgs(file, { width: 1280, height: 720, seconds: 5, preset: 'veryfast' }));
  const bytes = fs.readFileSync(file);
  fs.rmSync(dir, { recursive: true, force: true });
  return bytes;
}

async function memoryOf(redis: Redis, key: string, value: string): Promise<number> {
  await redis.lpush(key, value);
  const bytes = Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
  await redis.del(key);
  return bytes;
}

async function claimLatency(
  queue: ClipQueue,
  ratePerSecond: number,
  count: number,
): Promise<{ p50: number; p99: number }> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const consumer = (async () => {
    while (latencies.length < count) {
      const c = await queue.claim('bench-consumer', 2);
      if (!c || !c.parsed.ok) continue;
      latencies.push(performance.now() - (sentAt.get(c.parsed.job.id) ?? NaN));
      await queue.ack('bench-consumer', c.raw);
    }
  })();
  const interval = 1000 / ratePerSecond;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const id = `cam1-r${ratePerSecond}-${i}`;
    sentAt.set(id, performance.now());
    await queue.enqueue({
      v: 1,
      id,
      cameraId: 'cam1',
      path: `cam1/${i}.mp4`,
      startedAt: new Date().toISOString(),
      durationMs: 5000,
      bytes: 1,
      attempt: 0,
    });
  }
  await consumer;
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}
