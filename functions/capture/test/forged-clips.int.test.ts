/**
 * Issue #18.1 over real HTTP, real Redis, real ffprobe: a forged `clip.recorded` cannot
 * squat another camera's job id, `origin` is never taken from the network, and a duplicate id
 * carrying a different path is refused and logged.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { CloudEvent, HTTP } from 'cloudevents';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Publisher } from '../../shared/src/cloudevents';
import { EventType } from '../../shared/src/events';
import { serveFunction, type ServedFunction } from '../../shared/src/http';
import { redisKeys } from '../../shared/src/keys';
import { createRegistry } from '../../shared/src/metrics';
import { ClipQueue } from '../../shared/src/queue';
import { createCaptureHandler } from '../src/handler';
import { ClipIntake } from '../src/app/intake';
import { createCaptureMetrics } from '../src/adapters/metrics';
import { newPrefix } from './helpers';
import { deleteKeysUnder } from '../../../test/support';

const prefix = newPrefix();
const keys = redisKeys(prefix);
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const registry = createRegistry('capture-forged-test', false);
const logLines: string[] = [];
const logger = pino(
  { level: 'warn' },
  new Writable({ write: (chunk: Buffer, _enc, cb) => (logLines.push(chunk.toString()), cb()) }),
);
const liveness: string[] = [];
let clipsDir: string;
let served: ServedFunction;
let queue: ClipQueue;

beforeAll(async () => {
  clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'capture-forged-'));
  const metrics = createCaptureMetrics(registry);
  queue = new ClipQueue(redis, { keys, maxAttempts: 3, heartbeatTtlSeconds: 30, logger });
  const publisher = new Publisher({ sink: undefined, maxRetries: 0, timeoutMs: 2000, logger, registry });
  const intake = new ClipIntake({
    clipsDir,
    queue,
    publisher,
    metrics,
    logger,
    ffprobePath: 'ffprobe',
    onRecorderClip: (cam) => liveness.push(cam),
  });
  const handler = createCaptureHandler({
    actions: { clipRecorded: (data) => intake.take(data), cameraUpdated: async () => undefined },
    readiness: async () => ({ ready: true }),
    registry,
    logger,
  });
  served = await serveFunction('capture-forged-test', handler, 0, '127.0.0.1');
});

afterAll(async () => {
  await served?.close();
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
  await fs.rm(clipsDir, { recursive: true, force: true });
});

async function place(rel: string, fixture = 'tiny.mp4'): Promise<void> {
  await fs.mkdir(path.dirname(path.join(clipsDir, rel)), { recursive: true });
  await fs.copyFile(path.join(__dirname, 'fixtures', fixture), path.join(clipsDir, rel));
}

async function post(data: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const ce = new CloudEvent({
    id: `ev-${Math.random()}`,
    type: EventType.clipRecorded,
    source: '/attacker',
    datacontenttype: 'application/json',
    data,
  });
  const msg = HTTP.binary(ce);
  const res = await fetch(served.url, {
    method: 'POST',
    headers: msg.headers as Record<string, string>,
    body: msg.body as string,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const queued = async () =>
  (await redis.lrange(keys.clips, 0, -1)).map(
    (raw) => JSON.parse(raw) as { id: string; cameraId: string; path: string },
  );

describe('#18.1 forged clip events', () => {
  test("#18.1 a forged clip.recorded cannot squat another camera's job id", async () => {
    await place('cam1/20261128T204000Z.mp4');
    // 42 forged events: cam1's safe clip announced as cam2's coming clips
    for (let i = 0; i < 42; i++) {
      const startedAt = new Date(Date.parse('2026-11-28T20:45:00Z') + i * 5000).toISOString();
      const forged = await post({ cameraId: 'cam2', path: 'cam1/20261128T204000Z.mp4', startedAt, origin: 'recorder' });
      expect(forged.status).toBe(422);
      expect(String(forged.body.error)).toMatch(/does not match the clip's folder/);
    }
    // cam2's real clip for 20:45 is still taken
    await place('cam2/20261128T204500Z.mp4', 'tiny-faststart.mp4');
    const real = await post({ cameraId: 'cam2', path: 'cam2/20261128T204500Z.mp4', startedAt: '2026-11-28T20:45:00Z' });
    expect(real.status).toBe(200);
    expect(real.body).toMatchObject({ enqueued: true });
    const jobs = await queued();
    expect(jobs.filter((j) => j.cameraId === 'cam2').map((j) => j.path)).toEqual(['cam2/20261128T204500Z.mp4']);
    // the cam1 file was not moved (a refused event changes nothing)
    await expect(fs.access(path.join(clipsDir, 'cam1/20261128T204000Z.mp4'))).resolves.toBeUndefined();
  });

  test('#18.1 the job id comes from the clip, not from the sender: the same clip gets the same id whatever startedAt says', async () => {
    await place('cam3/20261128T205000Z.mp4');
    const a = await post({ cameraId: 'cam3', path: 'cam3/20261128T205000Z.mp4', startedAt: '2026-11-28T20:50:00Z' });
    const b = await post({ cameraId: 'cam3', path: 'cam3/20261128T205000Z.mp4', startedAt: '2030-01-01T00:00:00Z' });
    expect(a.status).toBe(200);
    expect(b.body).toMatchObject({ id: a.body.id, enqueued: false });
    expect(String(a.body.id)).toMatch(/^cam3-20261128T205000Z-[0-9a-f]{12}$/);
  });

  test("#18.1 a forged clip.recorded racing the recorder cannot set the clip's start time or duration", async () => {
    await place('cam8/20261128T211000Z.mp4');
    const res = await post({
      cameraId: 'cam8',
      path: 'cam8/20261128T211000Z.mp4',
      startedAt: '2030-01-01T00:00:00Z',
      durationMs: 3_600_000,
    });
    expect(res.status).toBe(200);
    const job = res.body.job as { startedAt: string; durationMs: number };
    expect(job.startedAt).toBe('2026-11-28T21:10:00.000Z'); // from the recorder's file name
    expect(job.durationMs).toBeLessThan(10_000); // measured, not the sender's hour
  });

  test('#18.1 origin "recorder" from the network is ignored: no in-process shortcut, no camera liveness', async () => {
    await place('cam4/20261128T205500Z.mp4');
    const res = await post({
      cameraId: 'cam4',
      path: 'cam4/20261128T205500Z.mp4',
      startedAt: '2026-11-28T20:55:00Z',
      origin: 'recorder',
    });
    expect(res.status).toBe(200);
    expect(liveness).not.toContain('cam4');
    const text = await registry.getSingleMetricAsString('safetyhanta_capture_clips_recorded_total');
    expect(text).toMatch(/camera="cam4",origin="external"/);
  });

  test('#18.1 a duplicate job id carrying a different path is refused and logged', async () => {
    const job = {
      v: 1 as const,
      id: 'cam5-20261128T210000Z-aaaaaaaaaaaa',
      cameraId: 'cam5',
      startedAt: '2026-11-28T21:00:00.000Z',
      durationMs: 5000,
      bytes: 10,
      attempt: 0,
    };
    expect(await queue.enqueue({ ...job, path: 'cam5/20261128T210000Z.mp4' })).toMatchObject({ enqueued: true });
    expect(await queue.enqueue({ ...job, path: 'cam5/20261128T210000Z.mp4' })).toMatchObject({ enqueued: false });
    const squat = await queue.enqueue({ ...job, path: 'cam5/other.mp4' });
    expect(squat).toMatchObject({ enqueued: false, conflictPath: 'cam5/20261128T210000Z.mp4' });
    expect((await queued()).filter((j) => j.id === job.id).map((j) => j.path)).toEqual(['cam5/20261128T210000Z.mp4']);
    expect((await queue.stats()).conflicts).toBe(1);
    expect(logLines.some((l) => l.includes('another path') && l.includes('cam5/other.mp4'))).toBe(true);
  });

  test("#18.1 a symlink in one camera folder to another camera's clip is refused", async () => {
    await place('cam6/20261128T210500Z.mp4');
    await fs.mkdir(path.join(clipsDir, 'cam7'), { recursive: true });
    await fs.symlink(
      path.join(clipsDir, 'cam6/20261128T210500Z.mp4'),
      path.join(clipsDir, 'cam7/20261128T210500Z.mp4'),
    );
    const res = await post({ cameraId: 'cam7', path: 'cam7/20261128T210500Z.mp4', startedAt: '2026-11-28T21:05:00Z' });
    expect(res.status).toBe(422);
    expect(String(res.body.error)).toMatch(/after symlinks/);
  });
});
