import { ClipQueue } from '../../functions/shared/src/queue';
import { makeClipLibrary, waitFor } from '../support';
import { ALERTS_TEST_TOKEN, startStack, type TestStack } from '../support/system/stack';

/**
 * Alert delivery across processes: inference publishes to a subscriber (through the Broker
 * stand-in) that answers 500 for a while, then recovers. Every alert is retried and arrives
 * exactly once; every clip gets exactly one verdict; nothing is dead-lettered.
 */
const FAILURES = 8;
let stack: TestStack | undefined;
let queue: ClipQueue | undefined;

afterAll(async () => {
  await queue?.close();
  await stack?.stop();
});

it('retries alerts through a subscriber outage (HTTP 500) and delivers each exactly once', async () => {
  let failed = 0;
  stack = await startStack({
    respond: (e) => (e.type.startsWith('com.safetyhanta.alert.') && failed < FAILURES ? (failed++, 500) : undefined),
  });
  const s = stack;
  await Promise.all([s.start('vllmSim'), s.start('alerts')]);
  await s.start('inference');
  // danger scenes raise at once: cam1 fire, cam2 person_fall, 3 clips each (raised + updated)
  const jobs = await makeClipLibrary(s.clipsDir, 6, 5, {
    scenes: ['fire', 'person_fall'],
    camera: (i) => `cam${(i % 2) + 1}`,
    baseMs: Date.now() - 60_000,
  });
  queue = new ClipQueue(s.redis, { keys: s.keys, maxAttempts: 3, heartbeatTtlSeconds: 30 });
  const q = queue;
  for (const job of jobs) await q.enqueue(job);

  await waitFor(
    async () => {
      const verdicts = await s.verdictCounts();
      const depth = await q.depth();
      return verdicts.size === jobs.length && depth.pending === 0 && (await q.inFlight()) === 0;
    },
    { timeoutMs: 90_000, what: 'every verdict stored and the queue drained', everyMs: 200 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${s.logs()}`);
  });

  const failedAlerts = s.broker.attempts.filter((a) => a.type.startsWith('com.safetyhanta.alert.') && a.status === 500);
  const delivered = s.broker.delivered().filter((a) => a.type.startsWith('com.safetyhanta.alert.'));
  expect(failedAlerts).toHaveLength(FAILURES);
  // every alert that failed was delivered later, and no alert id was delivered twice
  const ids = delivered.map((a) => a.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const f of failedAlerts) expect(ids).toContain(f.id);
  // one alert.raised per incident (camera, hazard type); the other clips only update it
  const raised = delivered.filter((a) => a.type === 'com.safetyhanta.alert.raised');
  const incidents = raised.map((a) => String(a.data.incidentId));
  expect(new Set(incidents).size).toBe(incidents.length);
  expect(raised.map((a) => `${String(a.data.cameraId)}:${String(a.data.hazardType)}`)).toEqual(
    expect.arrayContaining(['cam1:fire', 'cam2:person_fall']),
  );
  for (const u of delivered.filter((a) => a.type !== 'com.safetyhanta.alert.raised'))
    expect(incidents).toContain(String(u.data.incidentId));
  // exactly one verdict per clip, none dead-lettered, inference still alive
  expect([...(await s.verdictCounts()).values()].every((n) => n === 1)).toBe(true);
  expect((await q.depth()).dead).toBe(0);
  expect(s.part('inference')!.alive()).toBe(true);
  // the alerts function (behind the broker) stored the delivered alerts: its API lists both incidents
  const state = (await (
    await fetch(`${s.url('alerts')}/api/state`, { headers: { authorization: `Bearer ${ALERTS_TEST_TOKEN}` } })
  ).json()) as Record<string, unknown>;
  expect(JSON.stringify(state)).toContain('cam1');
  expect(JSON.stringify(state)).toContain('cam2');
}, 150_000);
