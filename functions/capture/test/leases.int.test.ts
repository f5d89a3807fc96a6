/**
 * Lease mode across processes: two capture replicas (child processes running main.ts) split
 * the cameras; `kill -9` of one (its whole process group, like a pod dying) → the other takes
 * its cameras over within the lease TTL and records them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { ClipJob } from '../../shared/src/clip-job';
import { redisKeys } from '../../shared/src/keys';
import type { RtspSimHandle } from '../../../simulator/cameras/src/index';
import { newPrefix, simTemplate, startSim, testEnv } from './helpers';
import { waitFor, deleteKeysUnder } from '../../../test/support';

const ROOT = path.resolve(__dirname, '../../..');
const TTL = 3;
const SEGMENT = 2;
const CAMS = ['cam1', 'cam2', 'cam3', 'cam4'];
const prefix = newPrefix();
const keys = redisKeys(prefix);
const redis = new Redis('redis://127.0.0.1:6379');
const children: ChildProcess[] = [];
let sim: RtspSimHandle | undefined;
let clipsDir: string;

function startReplica(name: string): { child: ChildProcess; output: () => string } {
  const env = {
    ...process.env,
    ...testEnv({
      CLIPS_DIR: clipsDir,
      REDIS_PREFIX: prefix,
      NUM_STREAMS: String(CAMS.length),
      RTSP_URL_TEMPLATE: simTemplate(sim!),
      SEGMENT_SECONDS: String(SEGMENT),
      CAMERA_LEASE_TTL_SECONDS: String(TTL),
      CAMERA_OFFLINE_SECONDS: '30',
      RTSP_TIMEOUT_SECONDS: '2',
      CAPTURE_REPLICA_ID: name,
      CAPTURE_STAGGER_MS: '200',
      CLIP_RETENTION_INTERVAL_SECONDS: '3600',
      LOG_LEVEL: 'info',
    }),
  };
  delete env.CAMERA_INDEX;
  delete env.K_SINK;
  // own process group: kill -9 of the group takes its ffmpeg children too, as when a pod dies
  // output to a file, not a pipe: a child must never block on a pipe the test is not draining
  const logFile = path.join(clipsDir, `${name}.log`);
  const fd = fsSync.openSync(logFile, 'a');
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['functions/capture/src/main.ts'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  fsSync.closeSync(fd);
  children.push(child);
  const output = () =>
    fsSync
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => !l.includes('"level":40'))
      .slice(-30)
      .join('\n');
  return { child, output };
}

const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
};
const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
  });
const holders = async (): Promise<Record<string, string | null>> => {
  const values = await redis.mget(...CAMS.map((c) => keys.cameraLease(c)));
  return Object.fromEntries(CAMS.map((c, i) => [c, values[i] ?? null]));
};
const jobs = async () => (await redis.lrange(keys.clips, 0, -1)).map((j) => JSON.parse(j) as ClipJob);

beforeAll(async () => {
  clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'capture-lease-'));
  sim = await startSim(CAMS.length);
}, 60_000);

afterAll(async () => {
  for (const c of children) killGroup(c, 'SIGKILL');
  await Promise.all(children.map(exited));
  await sim?.stop();
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
  await fs.rm(clipsDir, { recursive: true, force: true });
}, 30_000);

test('two replicas split the cameras; kill -9 one and the other takes its cameras over', async () => {
  const a = startReplica('replica-a');
  await waitFor(async () => Object.values(await holders()).every((h) => h === 'replica-a'), {
    timeoutMs: 20_000,
    what: () => `replica-a to hold every camera\n${a.output()}`,
  });
  const b = startReplica('replica-b');
  const split = await waitFor(
    async () => {
      const h = await holders();
      const countA = Object.values(h).filter((x) => x === 'replica-a').length;
      const countB = Object.values(h).filter((x) => x === 'replica-b').length;
      return countA === 2 && countB === 2 ? h : undefined;
    },
    {
      timeoutMs: 25_000,
      what: async () => `a 2/2 split\nA: ${a.output()}\nB: ${b.output()}\n${JSON.stringify(await holders())}`,
    },
  );
  const camsOfA = CAMS.filter((c) => split[c] === 'replica-a');
  const camsOfB = CAMS.filter((c) => split[c] === 'replica-b');
  const splitAt = Date.now();
  // both record: a clip of every B camera starting after the split
  await waitFor(
    async () =>
      (await jobs()).filter((j) => camsOfB.includes(j.cameraId) && Date.parse(j.startedAt) >= splitAt - 1000).length >=
      camsOfB.length,
    { timeoutMs: 20_000, what: () => `clips from replica-b\n${b.output()}` },
  );

  const before = new Set((await jobs()).map((j) => j.id));
  const killedAt = Date.now();
  killGroup(a.child, 'SIGKILL');
  await exited(a.child);

  await waitFor(async () => Object.values(await holders()).every((h) => h === 'replica-b'), {
    timeoutMs: (TTL + 5) * 1000,
    what: () => `replica-b to hold every camera\n${b.output()}`,
    everyMs: 50,
  });
  const takenOver = Date.now() - killedAt;
  await waitFor(
    async () => {
      const fresh = (await jobs()).filter((j) => !before.has(j.id));
      return camsOfA.every((c) => fresh.some((j) => j.cameraId === c));
    },
    {
      timeoutMs: (TTL + SEGMENT + 10) * 1000,
      what: () => `new clips of ${camsOfA.join(', ')} from replica-b\n${b.output()}`,
      everyMs: 100,
    },
  );
  const recording = Date.now() - killedAt;
  process.stdout.write(
    `lease takeover: leases after ${takenOver} ms, first clips after ${recording} ms (TTL ${TTL} s, segment ${SEGMENT} s)\n`,
  );
  // the lease lapses ≤ TTL after the last renewal; the survivor looks every TTL/3
  expect(takenOver).toBeLessThanOrEqual(TTL * 1000 + (TTL * 1000) / 3 + 1500);
  // Recording itself resumes within the waitFor deadline above (TTL + SEGMENT + 10 s): it adds the
  // ffmpeg/RTSP connect, the first segment's extra GOP and, when the simulator's UDP-only server
  // still holds the killed reader's session, a refused SETUP and one respawn. That part is
  // reported (5.8–6.9 s typical, 10.8 s seen under load), not bounded tighter: on a shared
  // 2-core box a tight wall-clock bound here is a flaky timing test, not a check.
  expect(recording).toBeGreaterThanOrEqual(takenOver);

  // clean shutdown: SIGTERM → exit 0, its leases released at once
  // SIGTERM to the wrapper only (as Kubernetes signals PID 1); tsx relays it to node
  b.child.kill('SIGTERM');
  expect(await exited(b.child)).toBe(0);
  expect(Object.values(await holders())).toEqual([null, null, null, null]);
  const ids = (await jobs()).map((j) => j.id);
  expect(new Set(ids).size).toBe(ids.length);
}, 100_000);
