import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClipQueue } from '../../shared/src/queue';
import { EventType } from '../../shared/src/events';
import { makeClipLibrary, waitUntil } from '../../../test/support';
import { ALERTS_TEST_TOKEN, startStack, type TestStack } from '../../../test/support/system/stack';

/**
 * Issue #28.4, the test: two stack runs in a row on one Redis (as two `npm start` on
 * Debian's redis-server), the second with fewer cameras. Real processes: vllm-sim, inference and
 * alerts, the Broker stand-in, one PGlite record kept across both runs. Clips are enqueued from the
 * test library (no cameras needed: inference seeds the registry from NUM_STREAMS as capture does).
 * The first run's incident on the camera the second run no longer has ends resolved as unobserved
 * (the normal `alert.resolved`, through the Broker, with reason `unobserved`, and in the record);
 * the camera that is still there keeps an open incident.
 */
jest.setTimeout(480_000); // an upper bound: each wait ends on its condition (the stacks start in ~15 s on an idle machine)

interface Incident {
  incidentId: string;
  cameraId: string;
  hazardType: string;
  state: string;
  reason?: string;
  unobservedSince?: string;
}

const recordDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unobserved-record-'));
const SHORT = {
  SEGMENT_SECONDS: '2',
  CAMERA_OFFLINE_SECONDS: '4',
  ALERTS_UNOBSERVED_RESOLVE_SECONDS: '10',
  ALERTS_POLL_MS: '500',
  RECORD_DIR: recordDir,
};
let stacks: TestStack[] = [];

afterAll(async () => {
  for (const s of stacks.reverse()) await s.stop();
  fs.rmSync(recordDir, { recursive: true, force: true });
});

const api = async <T>(s: TestStack, p: string): Promise<T> => {
  const res = await fetch(`${s.url('alerts')}${p}`, { headers: { authorization: `Bearer ${ALERTS_TEST_TOKEN}` } });
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};
const incidents = async (s: TestStack) => (await api<{ incidents: Incident[] }>(s, '/api/state')).incidents;

/** Starts a run, enqueues `fire` clips for the given cameras, waits for an open fire incident on each. */
async function run(stack: TestStack, cameras: readonly string[], clips: number): Promise<Incident[]> {
  await Promise.all([stack.start('vllmSim'), stack.start('alerts')]);
  await stack.start('inference');
  const jobs = await makeClipLibrary(stack.clipsDir, clips * cameras.length, 2, {
    scenes: ['fire'],
    camera: (i) => cameras[i % cameras.length]!,
    baseMs: Date.now() - 60_000,
  });
  const queue = new ClipQueue(stack.redis, { keys: stack.keys, maxAttempts: 3, heartbeatTtlSeconds: 30 });
  try {
    for (const job of jobs) await queue.enqueue(job);
  } finally {
    await queue.close();
  }
  return waitUntil(
    async () => {
      const open = (await incidents(stack)).filter((i) => i.state === 'open' && i.hazardType === 'fire');
      return cameras.every((c) => open.some((i) => i.cameraId === c)) ? open : undefined;
    },
    { timeoutMs: 90_000, everyMs: 300, what: () => `an open fire incident on ${cameras.join(', ')}\n${stack.logs()}` },
  );
}

it('a second run with fewer cameras: the removed camera’s incident is resolved unobserved; the kept one stays open', async () => {
  const first = await startStack({ keepKeys: true, startTimeoutMs: 150_000, env: { ...SHORT, NUM_STREAMS: '2' } });
  stacks.push(first);
  const before = await run(first, ['cam1', 'cam2'], 2);
  const gone = before.find((i) => i.cameraId === 'cam2')!;
  expect(gone.unobservedSince).toBeUndefined();
  await first.stop();
  stacks = [];

  const secondStartedAt = Date.now();
  const second = await startStack({
    prefix: first.prefix,
    startTimeoutMs: 150_000,
    env: { ...SHORT, NUM_STREAMS: '1' },
  });
  stacks.push(second);
  await run(second, ['cam1'], 3);
  const resolved = await waitUntil(
    async () => (await incidents(second)).find((i) => i.incidentId === gone.incidentId && i.state === 'resolved'),
    { timeoutMs: 60_000, everyMs: 300, what: () => `${gone.incidentId} resolved\n${second.logs()}` },
  );
  expect(resolved).toMatchObject({ reason: 'unobserved', unobservedSince: expect.any(String) as string });
  // unobserved from its last verdict, in the first run
  expect(Date.parse(resolved.unobservedSince!)).toBeLessThan(secondStartedAt);

  // the normal alert.resolved went out through the Broker (notify's Triggers take it), once
  const published = second.broker
    .delivered()
    .filter((e) => e.type === EventType.alertResolved && e.data.incidentId === gone.incidentId);
  expect(published).toHaveLength(1);
  expect(published[0]?.data).toMatchObject({ reason: 'unobserved', state: 'resolved', status: 'uncertain' });

  // the record keeps the transitions with their reason
  const rec = await api<{ incident: Incident; transitions: { kind: string; note: string | null }[] }>(
    second,
    `/api/incidents/${encodeURIComponent(gone.incidentId)}/record`,
  );
  expect(rec.incident).toMatchObject({ state: 'resolved', reason: 'unobserved' });
  expect(rec.transitions.map((t) => [t.kind, t.note])).toEqual(
    expect.arrayContaining([
      ['unobserved', expect.stringContaining('no verdict from camera cam2') as string],
      ['resolved', 'unobserved'],
    ]),
  );

  // the camera the second run still has keeps an open fire incident, observed
  // (the first run's, or, when this run's first verdict came after the resolve time, a new one: the
  // engine closes a silent camera's incident too and raises the hazard again, no cooldown)
  const kept = await waitUntil(
    async () =>
      (await incidents(second)).find(
        (i) => i.cameraId === 'cam1' && i.hazardType === 'fire' && i.state === 'open' && !i.unobservedSince,
      ),
    {
      timeoutMs: 90_000,
      everyMs: 300,
      what: async () =>
        `an open, observed fire incident on cam1\nverdicts ${JSON.stringify([...(await second.verdictCounts())])}\n` +
        `dead ${JSON.stringify(await second.redis.lrange(second.keys.dead, 0, -1))}\n` +
        `incidents ${JSON.stringify(await incidents(second))}\n${second.logs()}`,
    },
  );
  expect(kept.reason).toBeUndefined();
});
