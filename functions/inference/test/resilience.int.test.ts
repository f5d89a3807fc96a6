import { CloudEvent, HTTP } from 'cloudevents';
import { startVllmSim, type VllmSimHandle } from '../../../simulator/vllm/src';
import { EventType } from '../../shared/src/events';
import { startInference } from '../src/app/start-inference';
import { sceneClip, testConfig, verdicts } from './helpers';
import { inferenceSuite } from './suite';
import { waitUntil } from '../../../test/support';

jest.setTimeout(90_000);

/**
 * Outage of vLLM, the push path (Knative Eventing CloudEvents), camera offline incidents and
 * graceful stop — real Redis, ffmpeg and vllm-sim (a vLLM simulator; there is no GPU here).
 */
describe('inference resilience', () => {
  const suite = inferenceSuite();
  const { redis, cleanups } = suite;
  const setup = (sim: VllmSimHandle, over: Record<string, string> = {}) =>
    suite.setup('res', { VLLM_BASE_URL: sim.url, ...over });
  // these tests reach inference over HTTP too (the push path)
  const start = (config: ReturnType<typeof testConfig>, deps: Parameters<typeof startInference>[1] = {}) =>
    suite.start(config, { serveHttp: true, ...deps });

  /**
   * 8 s instead of 20 s keeps CI short and still covers what matters: it outlasts the client's
   * own retries (0.5 + 1 s with VLLM_MAX_RETRIES=2) and the 3 s heartbeat TTL, so the jobs must
   * really wait (kept alive by their heartbeat) rather than be retried, reaped or dead-lettered.
   */
  test('vLLM down for 8 s: readiness false, no job dead-lettered, processing resumes', async () => {
    let sim = await startVllmSim({ port: 0 });
    const port = sim.port;
    cleanups.push(() => sim.close());
    const { clipsDir, config, keys, queue } = await setup(sim);
    const h = await start(config);
    const readyz = async () => (await fetch(`${h.url}/readyz`)).status;
    await waitUntil(async () => (await readyz()) === 200, { timeoutMs: 10_000, what: 'ready' });

    await sim.close();
    await waitUntil(async () => (await readyz()) === 503, {
      timeoutMs: 10_000,
      what: 'readiness false while vLLM is down',
    });
    const t0 = Date.parse('2026-11-28T20:00:00Z');
    const clips = await Promise.all(
      [0, 1, 2].map((i) => sceneClip('fire', clipsDir, `cam${i + 1}`, new Date(t0 + i * 5000))),
    );
    for (const c of clips) await queue.enqueue(c.job);
    const outageEnd = Date.now() + 8000;
    await waitUntil(
      async () => {
        expect((await queue.depth()).dead).toBe(0);
        expect(await redis.xlen(keys.verdicts)).toBe(0);
        return Date.now() > outageEnd;
      },
      { timeoutMs: 15_000, what: 'the outage to last 8 s without dead letters or verdicts' },
    );
    expect(await queue.inFlight()).toBeGreaterThan(0); // claimed and waiting, not failed

    sim = await startVllmSim({ port });
    await waitUntil(async () => (await redis.xlen(keys.verdicts)) === clips.length, {
      timeoutMs: 30_000,
      what: 'processing to resume',
    });
    expect(await readyz()).toBe(200);
    expect(await queue.depth()).toEqual({ pending: 0, dead: 0 });
    const stats = await queue.stats();
    expect(stats.retried ?? 0).toBe(0);
  });

  test('clip.captured pushed as a CloudEvent runs the same path, idempotent with the pull loop; camera offline is an incident', async () => {
    const sim = await startVllmSim({ port: 0 });
    cleanups.push(() => sim.close());
    const { clipsDir, config, keys, queue } = await setup(sim);
    const h = await start(config);
    const clip = await sceneClip('person_fall', clipsDir, 'cam7', new Date('2026-11-28T20:10:00Z'));
    const post = async (ce: CloudEvent<unknown>) => {
      const m = HTTP.binary(ce);
      return fetch(`${h.url}/`, {
        method: 'POST',
        headers: m.headers as Record<string, string>,
        body: m.body as string,
      });
    };
    const captured = new CloudEvent({
      type: EventType.clipCaptured,
      source: '/cameras/cam7',
      id: `${clip.job.id}-captured`,
      data: clip.job,
      datacontenttype: 'application/json',
    });
    const res = await post(captured);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ jobId: clip.job.id, status: 'danger' });
    // Redelivery and the same job through the queue: still one verdict, one raised alert.
    expect((await post(captured)).status).toBe(200);
    await queue.enqueue(clip.job);
    await waitUntil(async () => (await queue.depth()).pending === 0 && (await queue.inFlight()) === 0, {
      timeoutMs: 20_000,
      what: 'the queued copy to be acked',
    });
    expect((await verdicts(redis, keys.verdicts)).filter((v) => v.jobId === clip.job.id)).toHaveLength(1);
    const raised = suite.sink.events.filter((e) => e.type === EventType.alertRaised && e.data.cameraId === 'cam7');
    expect(raised.map((e) => e.data.hazardType)).toEqual(['person_fall']);

    const cam = (type: string, id: string, at: string) =>
      new CloudEvent({
        type,
        source: '/cameras/cam8',
        id,
        data: { cameraId: 'cam8', status: type.endsWith('offline') ? 'offline' : 'online', at },
        datacontenttype: 'application/json',
      });
    expect((await post(cam(EventType.cameraOffline, 'off-1', '2026-11-28T20:11:00.000Z'))).status).toBe(200);
    expect((await post(cam(EventType.cameraOffline, 'off-1', '2026-11-28T20:11:00.000Z'))).status).toBe(200); // redelivery
    expect((await post(cam(EventType.cameraOffline, 'off-2', '2026-11-28T20:11:30.000Z'))).status).toBe(200); // still offline
    expect((await post(cam(EventType.cameraOnline, 'on-1', '2026-11-28T20:12:00.000Z'))).status).toBe(200);
    const cam8 = suite.sink.events
      .filter((e) => e.data.cameraId === 'cam8')
      .map((e) => `${e.type.split('.').pop()}:${String(e.data.hazardType)}`);
    expect(cam8).toEqual(['raised:camera_offline', 'resolved:camera_offline']);

    const bad = await fetch(`${h.url}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-type': EventType.clipCaptured,
        'ce-source': '/x',
        'ce-id': 'bad',
      },
      body: '{"v":1}',
    });
    expect(bad.status).toBe(400);
  });

  test("#18.1 a forged clip.captured cannot squat another camera's job id on the push path", async () => {
    const sim = await startVllmSim({ port: 0 });
    cleanups.push(() => sim.close());
    const { clipsDir, config, keys } = await setup(sim);
    const h = await start(config, { pull: false });
    const safe = await sceneClip('safe', clipsDir, 'cam1', new Date('2026-11-28T20:30:00Z'));
    const real = await sceneClip('person_fall', clipsDir, 'cam2', new Date('2026-11-28T20:30:05Z'));
    const post = async (data: unknown) => {
      const m = HTTP.binary(
        new CloudEvent({
          type: EventType.clipCaptured,
          source: '/attacker',
          id: `forged-${Math.random()}`,
          data,
          datacontenttype: 'application/json',
        }),
      );
      return fetch(`${h.url}/`, {
        method: 'POST',
        headers: m.headers as Record<string, string>,
        body: m.body as string,
      });
    };
    // cam1's safe clip announced under cam2's job id, then under its own id but as cam2
    const squat = await post({ ...safe.job, id: real.job.id, cameraId: 'cam2' });
    expect(squat.status).toBe(422);
    expect((await post({ ...safe.job, cameraId: 'cam2' })).status).toBe(422);
    expect((await post({ ...safe.job, id: real.job.id })).status).toBe(422);
    expect((await verdicts(redis, keys.verdicts)).filter((v) => v.jobId === real.job.id)).toHaveLength(0);
    // cam2's real clip is still judged (not replayed from a forged verdict)
    const res = await post(real.job);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ jobId: real.job.id, status: 'danger' });
  });

  test('graceful stop: in-flight jobs finish, prepared ones go back to the queue, nothing is lost', async () => {
    const sim = await startVllmSim({ port: 0, overheadMs: 800 });
    cleanups.push(() => sim.close());
    const { clipsDir, config, keys, queue } = await setup(sim, { INFERENCE_CONCURRENCY: '2', PREPARE_AHEAD: '3' });
    const t0 = Date.parse('2026-11-28T20:20:00Z');
    const clips = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) => sceneClip('safe', clipsDir, `cam${i}`, new Date(t0 + i * 5000))),
    );
    for (const c of clips) await queue.enqueue(c.job);
    const h = await startInference(config, { serveHttp: false });
    await waitUntil(() => sim.metrics().running >= 1, { timeoutMs: 20_000, what: 'a request in flight' });
    await h.stop(10_000);
    const judged = await redis.xlen(keys.verdicts);
    const { pending, dead } = await queue.depth();
    expect(judged).toBeGreaterThanOrEqual(1);
    expect(judged + pending).toBe(clips.length);
    expect(dead).toBe(0);
    expect(await queue.inFlight()).toBe(0);
    expect(await redis.exists(keys.consumerHeartbeat(h.consumerId))).toBe(0);
  });

  test('stop while vLLM is down: waiting jobs are released at once, not after the grace period', async () => {
    const sim = await startVllmSim({ port: 0, faults: { unhealthy: true } });
    cleanups.push(() => sim.close());
    const { clipsDir, config, keys, queue } = await setup(sim);
    const t0 = Date.parse('2026-11-28T20:30:00Z');
    const clips = await Promise.all(
      [0, 1, 2].map((i) => sceneClip('safe', clipsDir, `cam${i}`, new Date(t0 + i * 5000))),
    );
    for (const c of clips) await queue.enqueue(c.job);
    const h = await startInference(config, { serveHttp: false });
    await waitUntil(async () => (await queue.depth()).pending === 0, { timeoutMs: 20_000, what: 'all jobs claimed' });
    const started = Date.now();
    await h.stop(20_000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await queue.depth()).toEqual({ pending: clips.length, dead: 0 });
    expect(await queue.inFlight()).toBe(0);
    expect(await redis.xlen(keys.verdicts)).toBe(0);
  });
});
