import fs from 'node:fs';
import path from 'node:path';
import { ClipQueue } from '../../functions/shared/src/queue';
import { makeClipLibrary, waitFor } from '../support';
import { malformedEvents, rng, type HttpCase } from './fuzz-inputs';
import { clipKey, startStack, type TestStack } from '../support/system/stack';

/**
 * Fuzzing across processes: random and malformed CloudEvents to capture, inference and alerts,
 * malformed clip jobs and clip files through the queue, valid jobs mixed in. Every bad input gets
 * a 4xx or a dead letter with a reason; no process crashes; every valid job still gets its verdict.
 */
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const EVENTS_PER_FUNCTION = 40;
let stack: TestStack | undefined;
let queue: ClipQueue | undefined;

afterAll(async () => {
  await queue?.close();
  await stack?.stop();
});

const at = new Date().toISOString();
const job = {
  v: 1,
  id: 'cam1-20261128T204000Z',
  cameraId: 'cam1',
  path: 'cam1/20261128T204000Z.mp4',
  startedAt: at,
  durationMs: 5000,
  bytes: 1000,
  attempt: 0,
};
const alert = {
  incidentId: 'inc-1',
  cameraId: 'cam1',
  status: 'danger',
  state: 'open',
  severity: 'danger',
  hazardType: 'fire',
  hazards: [{ type: 'fire', description: 'flames', confidence: 0.9 }],
  summary: 'fire',
  clipPath: 'cam1/x.mp4',
  capturedAt: at,
  analyzedAt: at,
  model: 'm',
  openedAt: at,
};
const verdict = {
  jobId: 'j',
  cameraId: 'cam1',
  clipPath: 'cam1/x.mp4',
  status: 'safe',
  hazards: [],
  summary: 's',
  model: 'm',
  capturedAt: at,
  analyzedAt: at,
};
const camera = { cameraId: 'cam1', status: 'offline', at };

async function post(url: string, c: HttpCase): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: c.headers,
    body: c.body,
    signal: AbortSignal.timeout(30_000),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Bad clip files inside CLIPS_DIR (fresh copies per target: capture quarantines what it rejects). */
function badFiles(clipsDir: string, validClip: string, tag: string): string[] {
  const dir = path.join(clipsDir, 'cam1');
  fs.mkdirSync(dir, { recursive: true });
  const r = rng(SEED + 1);
  const write = (name: string, data: Buffer | string) => (
    fs.writeFileSync(path.join(dir, `${tag}-${name}`), data),
    `cam1/${tag}-${name}`
  );
  const link = path.join(dir, `${tag}-link.mp4`);
  fs.symlinkSync('/etc/passwd', link);
  return [
    write('random.mp4', Buffer.from(Array.from({ length: 4096 }, () => Math.floor(r() * 256)))),
    write('empty.mp4', ''),
    write('truncated.mp4', fs.readFileSync(path.join(clipsDir, validClip)).subarray(0, 2048)),
    write('text.mp4', 'this is not a video\n'),
    `cam1/${tag}-link.mp4`,
    'cam1/does-not-exist.mp4',
    'cam1',
    '../../etc/passwd',
    '/etc/passwd',
    'cam1/../../outside.mp4',
  ];
}

it(`answers every malformed input with a 4xx or a dead letter, and keeps working (seed ${SEED})`, async () => {
  stack = await startStack({ partEnv: { inference: { QUEUE_MAX_ATTEMPTS: '2' } } });
  const s = stack;
  await Promise.all([s.start('vllmSim'), s.start('alerts'), s.start('capture')]);
  await s.start('inference');
  const valid = await makeClipLibrary(s.clipsDir, 3, 5, {
    scenes: ['safe', 'fire', 'no_hard_hat'],
    camera: (i) => `cam${i + 2}`,
    baseMs: Date.now() - 60_000,
  });
  const r = rng(SEED);

  // 1. CloudEvents: every one answered 4xx, by every function
  const targets = [
    {
      name: 'capture',
      types: [
        {
          type: 'com.safetyhanta.clip.recorded',
          valid: { cameraId: 'cam1', path: 'cam1/a.mp4', startedAt: at },
          required: ['cameraId', 'path', 'startedAt'],
        },
      ],
      foreign: 'com.safetyhanta.alert.raised',
    },
    {
      name: 'inference',
      foreign: 'com.safetyhanta.clip.recorded',
      types: [
        { type: 'com.safetyhanta.clip.captured', valid: job, required: Object.keys(job) },
        { type: 'com.safetyhanta.camera.offline', valid: camera, required: ['cameraId', 'status', 'at'] },
      ],
    },
    {
      name: 'alerts',
      foreign: 'com.safetyhanta.clip.captured',
      types: [
        { type: 'com.safetyhanta.alert.raised', valid: alert, required: Object.keys(alert) },
        { type: 'com.safetyhanta.verdict.created', valid: verdict, required: Object.keys(verdict) },
        {
          type: 'com.safetyhanta.camera.online',
          valid: { ...camera, status: 'online' },
          required: ['cameraId', 'status', 'at'],
        },
      ],
    },
  ] as const;
  const wrong: string[] = [];
  for (const t of targets) {
    const url = `${s.url(t.name)}/`;
    for (const c of malformedEvents(
      r,
      EVENTS_PER_FUNCTION,
      t.types.map((x) => ({ ...x, required: [...x.required] })),
      t.foreign,
    )) {
      const status = await post(url, c);
      if (status < 400 || status >= 500) wrong.push(`${t.name}: ${c.what} → HTTP ${status}`);
    }
  }
  // schema-valid events naming bad clip files: capture and inference refuse them (422) without opening them
  const headers = (type: string, id: string) => ({
    'content-type': 'application/json',
    'ce-specversion': '1.0',
    'ce-id': id,
    'ce-source': '/fuzz',
    'ce-type': type,
  });
  for (const [i, p] of badFiles(s.clipsDir, valid[0]!.path, 'cap').entries()) {
    for (const origin of ['external', 'recorder']) {
      const status = await post(`${s.url('capture')}/`, {
        what: '',
        headers: headers('com.safetyhanta.clip.recorded', `bad-rec-${origin}-${i}`),
        body: JSON.stringify({ cameraId: 'cam1', path: p, startedAt: at, origin }),
      });
      if (status < 400 || status >= 500) wrong.push(`capture: clip.recorded (${origin}) of ${p} → HTTP ${status}`);
    }
  }
  for (const [i, p] of badFiles(s.clipsDir, valid[0]!.path, 'inf').entries()) {
    const status = await post(`${s.url('inference')}/`, {
      what: '',
      headers: headers('com.safetyhanta.clip.captured', `bad-cap-${i}`),
      body: JSON.stringify({ ...job, id: `cam1-bad-${i}`, path: p }),
    });
    if (status < 400 || status >= 500) wrong.push(`inference: clip.captured of ${p} → HTTP ${status}`);
  }
  expect(wrong).toEqual([]);

  // 2. queue: malformed jobs and bad clip files, valid jobs mixed in
  queue = new ClipQueue(s.redis, { keys: s.keys, maxAttempts: 2, heartbeatTtlSeconds: 30 });
  const q = queue;
  const bad: string[] = [
    'not json {',
    '[]',
    'null',
    '"a string"',
    '{}',
    JSON.stringify({ ...job, v: 2 }),
    JSON.stringify({ ...job, id: undefined }),
    JSON.stringify({ ...job, cameraId: '../cam1' }),
    JSON.stringify({ ...job, durationMs: 'five' }),
    JSON.stringify({ ...job, bytes: -1 }),
    JSON.stringify({ ...job, startedAt: 'yesterday' }),
    ...badFiles(s.clipsDir, valid[0]!.path, 'job').map((p, i) =>
      JSON.stringify({ ...job, id: `cam1-badjob-${i}`, path: p }),
    ),
  ];
  const mixed = [...bad.map((raw) => ({ raw })), ...valid.map((j) => ({ job: j }))].sort(() => r() - 0.5);
  for (const m of mixed) {
    if ('raw' in m) await q.enqueueRaw(m.raw);
    else await q.enqueue(m.job);
  }
  await waitFor(
    async () => {
      const d = await q.depth();
      return (
        d.pending === 0 &&
        (await q.inFlight()) === 0 &&
        d.dead >= bad.length &&
        (await s.verdictCounts()).size >= valid.length
      );
    },
    { timeoutMs: 90_000, what: 'every job dead-lettered or verdicted', everyMs: 200 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${s.logs()}`);
  });
  const dead = await q.deadLetters(1000);
  expect(dead.map((d) => d.job).sort()).toEqual([...bad].sort());
  for (const d of dead) expect(d.reason.length).toBeGreaterThan(5);
  const verdicts = await s.verdictCounts();
  for (const j of valid) expect(verdicts.get(clipKey(j.id))).toBe(1);

  // 3. nobody crashed, everyone still healthy
  for (const name of ['capture', 'inference', 'alerts'] as const) {
    expect(s.part(name)!.alive()).toBe(true);
    expect((await fetch(`${s.url(name)}/healthz`)).status).toBe(200);
  }
}, 180_000);
