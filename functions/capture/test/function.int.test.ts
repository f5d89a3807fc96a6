/**
 * The `capture` CloudEvent function over real HTTP, real Redis, real ffprobe: outside clips
 * are validated, bad ones quarantined with their reason (422), malformed events get 400.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CloudEvent, HTTP } from 'cloudevents';
import { Redis } from 'ioredis';
import { Publisher } from '../../shared/src/cloudevents';
import { EventType } from '../../shared/src/events';
import { serveFunction, type ServedFunction } from '../../shared/src/http';
import { redisKeys } from '../../shared/src/keys';
import { createLogger } from '../../shared/src/logger';
import { createRegistry } from '../../shared/src/metrics';
import { ClipQueue } from '../../shared/src/queue';
import { createCaptureHandler } from '../src/handler';
import { ClipIntake } from '../src/app/intake';
import { createCaptureMetrics } from '../src/adapters/metrics';
import { newPrefix, startSink } from './helpers';
import { deleteKeysUnder } from '../../../test/support';

const prefix = newPrefix();
const keys = redisKeys(prefix);
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const registry = createRegistry('capture-test', false);
let clipsDir: string;
let served: ServedFunction;
let sink: Awaited<ReturnType<typeof startSink>>;
const tiny = () => fs.readFile(path.join(__dirname, 'fixtures', 'tiny.mp4'));

beforeAll(async () => {
  clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'capture-fn-'));
  sink = await startSink();
  const logger = createLogger('capture-test', 'silent');
  const metrics = createCaptureMetrics(registry);
  const queue = new ClipQueue(redis, { keys, maxAttempts: 3, heartbeatTtlSeconds: 30 });
  const publisher = new Publisher({ sink: sink.url, maxRetries: 0, timeoutMs: 2000, logger, registry });
  const intake = new ClipIntake({ clipsDir, queue, publisher, metrics, logger, ffprobePath: 'ffprobe' });
  const handler = createCaptureHandler({
    actions: { clipRecorded: (data) => intake.take(data), cameraUpdated: async () => undefined },
    readiness: async () => ({ ready: true }),
    registry,
    logger,
  });
  served = await serveFunction('capture-fn-test', handler, 0, '127.0.0.1');
});

afterAll(async () => {
  await served?.close();
  await sink?.close();
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
  await fs.rm(clipsDir, { recursive: true, force: true });
});

async function place(rel: string, bytes: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(path.join(clipsDir, rel)), { recursive: true });
  await fs.writeFile(path.join(clipsDir, rel), bytes);
}

function recorded(data: Record<string, unknown>, id = `ev-${Math.random()}`) {
  return new CloudEvent({
    id,
    type: EventType.clipRecorded,
    source: '/nvr/export',
    datacontenttype: 'application/json',
    data,
  });
}

async function post(mode: 'binary' | 'structured', ce: CloudEvent<unknown>) {
  const msg = mode === 'binary' ? HTTP.binary(ce) : HTTP.structured(ce);
  const res = await fetch(served.url, {
    method: 'POST',
    headers: msg.headers as Record<string, string>,
    body: msg.body as string,
  });
  return { status: res.status, body: await res.text() };
}

const queued = () => redis.lrange(keys.clips, 0, -1);

describe('capture function: clip.recorded from outside sources', () => {
  it.each(['binary', 'structured'] as const)(
    'enqueues a valid outside clip exactly once (%s mode) and emits clip.captured',
    async (mode) => {
      const rel = `ext${mode}/nvr/cam7-export.mp4`; // an outside source writes into the camera's own folder
      await place(rel, await tiny());
      const data = { cameraId: `ext${mode}`, path: rel, startedAt: '2026-11-28T20:40:00Z', origin: 'external' };
      const first = await post(mode, recorded(data));
      expect(first.status).toBe(200);
      const job = JSON.parse(first.body) as {
        id: string;
        enqueued: boolean;
        job: { path: string; durationMs: number; bytes: number };
      };
      expect(job).toMatchObject({ enqueued: true, job: { path: rel } });
      expect(job.id).toMatch(new RegExp(`^ext${mode}-nvr_cam7-export-[0-9a-f]{12}$`)); // from the clip, not from the sender
      expect(job.job.durationMs).toBeGreaterThan(900);
      // redelivery of the same clip (Knative retries): no second job
      expect(JSON.parse((await post(mode, recorded(data))).body)).toMatchObject({ enqueued: false });
      expect((await queued()).filter((j) => j.includes(`ext${mode}-`))).toHaveLength(1);
      expect(sink.events.some((e) => e.type === EventType.clipCaptured && e.data.id === job.id)).toBe(true);
    },
  );

  const rejects: [string, string, () => Promise<Buffer>, RegExp][] = [
    ['empty', 'empty.mp4', async () => Buffer.alloc(0), /empty/],
    ['truncated', 'truncated.mp4', async () => (await tiny()).subarray(0, 6000), /probe-failed|truncated/],
    [
      'corrupt',
      'corrupt.mp4',
      async () => Buffer.from('this is not a video at all, just text pretending to be one\n'.repeat(50)),
      /probe-failed|corrupt/,
    ],
  ];
  for (const mode of ['binary', 'structured'] as const) {
    it.each(rejects)(
      `quarantines a %s clip with its reason, enqueues nothing (${mode})`,
      async (_kind, name, make, reason) => {
        const before = await queued();
        const rel = `cam9/nvr/${mode}/${name}`;
        await place(rel, await make());
        const res = await post(mode, recorded({ cameraId: 'cam9', path: rel, startedAt: '2026-11-28T20:41:00Z' }));
        expect(res.status).toBe(422);
        expect(JSON.parse(res.body).error).toMatch(reason);
        await expect(fs.access(path.join(clipsDir, rel))).rejects.toThrow();
        const qdir = path.join(clipsDir, '.quarantine', 'cam9');
        const files = await fs.readdir(qdir);
        const moved = files.filter((f) => f.endsWith(name));
        expect(moved.some((f) => !f.endsWith('.reason.json'))).toBe(true);
        const reasonFile = files.find((f) => f.endsWith(`${name}.reason.json`));
        expect(reasonFile).toBeDefined();
        const record = JSON.parse(await fs.readFile(path.join(qdir, reasonFile!), 'utf8')) as {
          reason: string;
          from: string;
        };
        expect(record.from).toBe(rel);
        expect(record.reason.length).toBeGreaterThan(5);
        expect(await queued()).toEqual(before);
      },
    );
  }

  it('counts rejected clips by reason', async () => {
    const text = await registry.getSingleMetricAsString('safetyhanta_capture_clips_rejected_total');
    expect(text).toMatch(/reason="empty"[^}]*} [1-9]/);
  });

  it.each([
    ['../outside.mp4', /\.\./],
    ['/etc/passwd', /absolute/],
    ['.staging/cam1/run/seg-1.mp4', /hidden folder/],
    ['cam9/missing.mp4', /does not exist/],
    ['cam8/elsewhere.mp4', /does not match the clip's folder/],
  ])('refuses path %p without touching anything (422)', async (rel, reason) => {
    const before = await queued();
    const res = await post('binary', recorded({ cameraId: 'cam9', path: rel, startedAt: '2026-11-28T20:41:00Z' }));
    expect(res.status).toBe(422);
    expect(JSON.parse(res.body).error).toMatch(reason);
    expect(await queued()).toEqual(before);
  });

  /** A binary-mode clip.recorded CloudEvent's headers, for a body written by hand. */
  const recordedHeaders = {
    'ce-specversion': '1.0',
    'ce-id': '1',
    'ce-type': EventType.clipRecorded,
    'ce-source': '/x',
    'content-type': 'application/json',
  };
  it.each([
    [
      'missing data fields',
      {
        headers: recordedHeaders,
        body: '{"cameraId":"cam1"}',
      },
    ],
    [
      'a wrong event type',
      {
        headers: {
          'ce-specversion': '1.0',
          'ce-id': '1',
          'ce-type': 'com.example.other',
          'ce-source': '/x',
          'content-type': 'application/json',
        },
        body: '{}',
      },
    ],
    ['no CloudEvent at all', { headers: { 'content-type': 'application/json' }, body: '{"hello":1}' }],
    [
      'broken structured JSON',
      { headers: { 'content-type': 'application/cloudevents+json' }, body: '{"specversion":"1.0",' },
    ],
    [
      'a bad cameraId',
      {
        headers: recordedHeaders,
        body: '{"cameraId":"../x","path":"a.mp4","startedAt":"2026-11-28T20:41:00Z"}',
      },
    ],
  ])('answers 400 with a reason for %s and changes nothing', async (_what, req) => {
    const before = await queued();
    const res = await fetch(served.url, { method: 'POST', headers: req.headers, body: req.body });
    expect(res.status).toBe(400);
    // unparsable JSON is refused by functions-framework's body parser before our handler (its own 400 page)
    const text = await res.text();
    if (!text.startsWith('<')) expect((JSON.parse(text) as { error: string }).error.length).toBeGreaterThan(5);
    expect(await queued()).toEqual(before);
  });
});
