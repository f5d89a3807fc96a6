import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  freePort,
  kill,
  MAINS,
  pgrep,
  startOwnRedis,
  startPart,
  stopStartedParts,
  waitHttpOk,
  type OwnRedis,
  waitUntil,
  type PartProcess,
} from '../../../test/support';

/**
 * Issue #28.9 with real processes and a real redis-server of the test's own: while Redis is frozen
 * (SIGSTOP: the connection stays up, nothing answers) or gone (SIGKILL), the dashboard API answers
 * 503 at once instead of hanging; and on SIGTERM with Redis frozen, alerts and inference exit
 * within STACK_STOP_TIMEOUT_SECONDS (default 15 s) instead of waiting on Redis for ever.
 */
jest.setTimeout(120_000);

const TOKEN = `redis-down-${randomUUID()}`;
const STOP_BOUND_MS = 15_000;

describe('Redis down: 503 at once, and a bounded stop (issue #28.9)', () => {
  let redis: OwnRedis;
  let alerts: PartProcess;
  let inference: PartProcess;
  let alertsUrl: string;
  const clipsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-down-'));
  let frozen: number[] = [];

  afterAll(async () => {
    for (const pid of frozen) kill(pid, 'SIGCONT');
    await stopStartedParts();
    await redis?.destroy();
    fs.rmSync(clipsDir, { recursive: true, force: true });
  });

  const timed = async (p: string): Promise<{ status: number; ms: number }> => {
    const t = Date.now();
    const r = await fetch(`${alertsUrl}${p}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
      signal: AbortSignal.timeout(15_000),
    });
    await r.body?.cancel();
    return { status: r.status, ms: Date.now() - t };
  };

  it('answers 503 quickly with Redis frozen or killed, and stops within the bound', async () => {
    redis = await startOwnRedis();
    const [alertsPort, inferencePort, vllmPort] = [await freePort(), await freePort(), await freePort()];
    const common = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      REDIS_URL: redis.url,
      REDIS_PREFIX: `test-${randomUUID()}`,
      CLIPS_DIR: clipsDir,
      NUM_STREAMS: '1',
      LOG_LEVEL: 'info',
      RECORD_DIR: 'off', // the system of record is not under test here (README: for tests of other parts)
    };
    alerts = startPart('alerts', MAINS.alerts, { ...common, PORT: String(alertsPort), ALERTS_AUTH_TOKEN: TOKEN });
    inference = startPart('inference', MAINS.inference, {
      ...common,
      PORT: String(inferencePort),
      VLLM_BASE_URL: `http://127.0.0.1:${vllmPort}/v1`, // nothing there: jobs would wait, none come
    });
    alertsUrl = `http://127.0.0.1:${alertsPort}`;
    await waitHttpOk(`${alertsUrl}/healthz`, alerts);
    await waitHttpOk(`http://127.0.0.1:${inferencePort}/healthz`, inference);
    expect((await timed('/api/state')).status).toBe(200);

    // frozen: connection up, no answers
    frozen = pgrep(`redis-server 127.0.0.1:${redis.port}`);
    expect(frozen.length).toBe(1);
    for (const pid of frozen) kill(pid, 'SIGSTOP');
    for (const p of ['/api/state', '/api/cameras', '/api/stream']) {
      const r = await timed(p);
      expect({ p, status: r.status }).toEqual({ p, status: 503 });
      console.log(`Redis frozen: ${p} → 503 in ${r.ms} ms`);
      expect(r.ms).toBeLessThan(5_000); // ALERTS_REDIS_TIMEOUT_MS 2 s, plus a loaded machine
    }

    // SIGTERM while Redis is frozen: both exit within the stack's stop bound
    const t = Date.now();
    alerts.kill('SIGTERM');
    inference.kill('SIGTERM');
    const [a, i] = await Promise.all([alerts.exited, inference.exited]);
    const stopMs = Date.now() - t;
    expect({ alerts: a.signal, inference: i.signal }).toEqual({ alerts: null, inference: null });
    console.log(`SIGTERM with Redis frozen: alerts and inference exited after ${stopMs} ms`);
    expect(stopMs).toBeLessThan(STOP_BOUND_MS);
  });

  it('with Redis killed, a restarted alerts answers 503 at once', async () => {
    for (const pid of frozen) kill(pid, 'SIGCONT');
    frozen = [];
    const port = await freePort();
    const again = startPart('alerts', MAINS.alerts, {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      REDIS_URL: redis.url,
      REDIS_PREFIX: `test-${randomUUID()}`,
      CLIPS_DIR: clipsDir,
      PORT: String(port),
      ALERTS_AUTH_TOKEN: TOKEN,
      LOG_LEVEL: 'info',
      RECORD_DIR: 'off', // the system of record is not under test here (README: for tests of other parts)
    });
    alertsUrl = `http://127.0.0.1:${port}`;
    await waitHttpOk(`${alertsUrl}/healthz`, again);
    await redis.stop('SIGKILL');
    // once the process has seen the connection drop (its /readyz says so), the API says so too, at once
    await waitUntil(
      async () => (await fetch(`${alertsUrl}/readyz`, { signal: AbortSignal.timeout(5000) })).status === 503,
      { timeoutMs: 10_000, what: '/readyz 503' },
    );
    for (const p of ['/api/state', '/api/cameras', '/api/stream']) {
      const r = await timed(p);
      expect({ p, status: r.status }).toEqual({ p, status: 503 });
      console.log(`Redis killed: ${p} → 503 in ${r.ms} ms`);
      expect(r.ms).toBeLessThan(1_000);
    }
  });
});
