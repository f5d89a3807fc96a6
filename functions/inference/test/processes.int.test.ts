import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startVllmSim, type VllmSimHandle } from '../../../simulator/vllm/src';
import { redisKeys } from '../../shared/src/keys';
import { ClipQueue } from '../../shared/src/queue';
import {
  REDIS_URL,
  sceneClip,
  startRecordingProxy,
  startSink,
  tempDir,
  testEnv,
  verdicts,
  type SceneClip,
} from './helpers';
import { waitUntil, deleteKeysUnder } from '../../../test/support';
import { tsLoaderArgs, tsLoaderEnv } from '../../shared/src/ts-loader';

jest.setTimeout(90_000);

const MAIN = path.join(__dirname, '..', 'src', 'main.ts');

/** `npm run start:inference` as its container runs it, as a child process. */
function spawnInference(env: Record<string, string>, log: string[]): ChildProcess {
  const child = spawn(process.execPath, [...tsLoaderArgs(), MAIN], {
    env: { ...tsLoaderEnv(), PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (d: Buffer) => log.push(d.toString());
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

const exited = (c: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    c.exitCode !== null || c.signalCode !== null ? resolve(c.exitCode) : c.once('exit', (code) => resolve(code)),
  );

describe('inference processes: kill -9, restart, two pods, SIGTERM (real child processes)', () => {
  const redis = new Redis(REDIS_URL);
  const children: ChildProcess[] = [];
  const log: string[] = [];
  let sim: VllmSimHandle;
  let prefix = '';
  let clipsDir = '';

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
    if (prefix) await deleteKeysUnder(redis, prefix);
    if (clipsDir) await fs.rm(clipsDir, { recursive: true, force: true });
    await sim?.close();
    redis.disconnect();
  });

  test('after kill -9 and a restart every job has exactly one verdict, no alert is duplicated, and the prefix is identical across processes', async () => {
    // Some model latency so the killed process has requests in flight.
    sim = await startVllmSim({ port: 0, overheadMs: 250 });
    const proxy = await startRecordingProxy(sim.url);
    const sink = await startSink();
    clipsDir = await tempDir('crash');
    const env = testEnv({ CLIPS_DIR: clipsDir, VLLM_BASE_URL: proxy.url, K_SINK: sink.url, LOG_LEVEL: 'warn' });
    prefix = env.REDIS_PREFIX!;
    const keys = redisKeys(prefix);
    const queue = new ClipQueue(redis, { keys, maxAttempts: 5, heartbeatTtlSeconds: 3 });
    try {
      const t0 = Date.parse('2026-11-28T20:00:00Z');
      const clips: SceneClip[] = [];
      const scenes = ['fire', 'person_fall', 'safe'];
      for (let cam = 1; cam <= 4; cam++) {
        for (let k = 0; k < 4; k++)
          clips.push(await sceneClip(scenes[(cam + k) % 3]!, clipsDir, `cam${cam}`, new Date(t0 + k * 5000)));
      }
      for (const c of clips) await queue.enqueue(c.job);

      // Two pods at once, then kill -9 one of them mid-run.
      const a = spawnInference(env, log);
      const b = spawnInference(env, log);
      children.push(a, b);
      await waitUntil(async () => (await redis.xlen(keys.verdicts)) >= 3, {
        timeoutMs: 45_000,
        what: 'the first verdicts',
      });
      const heldByA = await waitUntil(
        async () => {
          const consumers = await redis.smembers(keys.consumers);
          const lengths = await Promise.all(
            consumers.map(async (id) => ({ id, n: await redis.llen(keys.processing(id)) })),
          );
          return lengths.filter((x) => x.n > 0).length >= 2 ? lengths : undefined;
        },
        { timeoutMs: 10_000, what: 'both pods holding jobs' },
      );
      a.kill('SIGKILL');
      await exited(a);
      // The restarted pod (and b) finish; the reaper returns a's claimed jobs once its heartbeat expires.
      const c = spawnInference(env, log);
      children.push(c);
      await waitUntil(
        async () => {
          const done = await Promise.all(clips.map((x) => redis.exists(keys.verdictDone(x.job.id))));
          const depth = await queue.depth();
          return done.every(Boolean) && depth.pending === 0 && (await queue.inFlight()) === 0;
        },
        { timeoutMs: 60_000, what: 'every job judged and acked' },
      );

      const v = await verdicts(redis, keys.verdicts);
      const perJob = new Map<string, number>();
      for (const x of v) perJob.set(x.jobId, (perJob.get(x.jobId) ?? 0) + 1);
      expect([...perJob.values()].every((n) => n === 1)).toBe(true);
      expect(perJob.size).toBe(clips.length);
      expect((await queue.depth()).dead).toBe(0);
      // The kill really happened mid-run: a dead pod's claimed jobs were reaped and judged by the others.
      expect(heldByA.length).toBeGreaterThanOrEqual(2);
      expect((await queue.stats()).reaped ?? 0).toBeGreaterThanOrEqual(1);

      // Delivery is at-least-once: a kill -9 between the sink's 2xx and the "published" mark
      // re-sends that event after the restart, with the SAME CloudEvent id, which subscribers
      // (the alerts function) drop. So no alert is duplicated as subscribers see them: unique
      // by (source, id), and no two distinct events for one incident step.
      const delivered = sink.events.filter((e) => e.type.startsWith('com.safetyhanta.alert.'));
      const alerts = [...new Map(delivered.map((e) => [`${e.source}|${e.id}`, e])).values()];
      const byIncidentAndType = new Map<string, number>();
      for (const e of alerts) {
        const key = `${e.incidentid}|${e.type}|${e.type.endsWith('updated') ? e.id : ''}`;
        byIncidentAndType.set(key, (byIncidentAndType.get(key) ?? 0) + 1);
      }
      expect(alerts.length).toBeGreaterThan(0);
      expect([...byIncidentAndType.entries()].filter(([, n]) => n > 1)).toEqual([]);
      const raisedPerCameraType = new Map<string, number>();
      for (const e of alerts.filter((x) => x.type.endsWith('raised'))) {
        const k = `${e.data.cameraId as string}|${e.data.hazardType as string}`;
        raisedPerCameraType.set(k, (raisedPerCameraType.get(k) ?? 0) + 1);
      }
      expect([...raisedPerCameraType.values()].every((n) => n === 1)).toBe(true);

      // Same prefix bytes from three processes (two concurrent, one restarted).
      expect(proxy.seen.length).toBeGreaterThanOrEqual(clips.length);
      expect(new Set(proxy.seen.map((s) => s.prefixHash)).size).toBe(1);

      // SIGTERM: stop claiming, finish in-flight, retire, exit 0.
      b.kill('SIGTERM');
      c.kill('SIGTERM');
      expect(await exited(b)).toBe(0);
      expect(await exited(c)).toBe(0);
      expect(await queue.inFlight()).toBe(0);
    } catch (err) {
      process.stdout.write(log.join('').slice(-4000));
      throw err;
    } finally {
      await queue.close();
      await proxy.close();
      await sink.close();
    }
  });
});
