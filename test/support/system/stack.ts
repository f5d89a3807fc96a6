import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { redisKeys, type RedisKeys } from '../../../functions/shared/src/keys';
import { startRtspSim, type RtspSimHandle } from '../../../simulator/cameras/src/index';
import { freePort, MAINS, startPart, waitHttpOk, type PartProcess, deleteKeysUnder } from '..';
import { startBroker, type Broker, type BrokerOptions } from './broker';

/** The alerts dashboard's admin token in these stacks (it binds beyond loopback, so it needs one): `Authorization: Bearer …`. */
export const ALERTS_TEST_TOKEN = `reliability-${randomUUID()}`;
/** A job id without its content fingerprint (issue #18.1): `cam3-20261128T204000Z-1a2b3c4d5e6f` → `cam3-20261128T204000Z`. */
export const clipKey = (jobId: string): string => jobId.replace(/-[0-9a-f]{12}$/, '');

/**
 * A small copy of the whole system for cross-process fault tests, everything real and on
 * 127.0.0.1: rtsp-sim (in this process, its ffmpeg children), vllm-sim, capture, inference and
 * alerts as child processes (own process groups), a Broker stand-in routing CloudEvents like the
 * Knative Triggers, Redis (the system one with a random prefix, or a test's own redis-server),
 * and a temp CLIPS_DIR. Parts can be killed with SIGKILL and started again on the same port.
 */
export type PartName = 'capture' | 'inference' | 'alerts' | 'vllmSim';

export interface StackOptions {
  redisUrl?: string;
  /** rtsp-sim cameras (0 = none) */
  cameras?: number;
  /** scene per camera, e.g. { cam1: 'fire' } */
  mapping?: Record<string, string>;
  /** extra env for every part */
  env?: Record<string, string>;
  /** extra env per part */
  partEnv?: Partial<Record<PartName, Record<string, string>>>;
  /** how the broker answers (e.g. a failing subscriber) */
  respond?: BrokerOptions['respond'];
  /**
   * A second run on an earlier run's Redis state (issue #28.4: `npm start` twice on one Redis):
   * that run's prefix, and `keepKeys` on the first so its stop leaves the keys.
   */
  prefix?: string;
  keepKeys?: boolean;
  /** how long a part may take to answer its health check (a loaded machine: PGlite, tsx) @default 60000 */
  startTimeoutMs?: number;
}

export interface TestStack {
  readonly prefix: string;
  readonly keys: RedisKeys;
  readonly redis: Redis;
  readonly clipsDir: string;
  readonly broker: Broker;
  readonly rtsp: RtspSimHandle | undefined;
  readonly ports: Record<PartName, number>;
  url(name: PartName): string;
  part(name: PartName): PartProcess | undefined;
  start(name: PartName): Promise<PartProcess>;
  /**
   * What a Kubernetes rolling update (maxSurge 1, maxUnavailable 0) does before it stops the old
   * pod: starts a second process of `name` on a new port and waits until its `/readyz` answers
   * 2xx (the readiness probe). From then on `part(name)` is the new one; the old one keeps running
   * until the caller stops it (stop() stops it too).
   */
  surge(name: 'capture'): Promise<{ old: PartProcess | undefined; fresh: PartProcess }>;
  kill9(name: PartName): Promise<void>;
  /** verdicts in the stream: jobId → how many times */
  /** verdicts per clip (`cam3-20261128T204000Z`: the job id without its fingerprint) */
  verdictCounts(): Promise<Map<string, number>>;
  /** clip files capture placed in CLIPS_DIR (relative paths) */
  recordedClips(): string[];
  /** segment files still in capture's staging folders (closed or being written) */
  stagedSegments(): number;
  /** segments in staging that the segmenter listed as finished (clips not yet handed over) */
  stagedListed(): string[];
  /** every part's last log lines (for failure messages) */
  logs(): string;
  stop(): Promise<void>;
}

export async function startStack(o: StackOptions = {}): Promise<TestStack> {
  const prefix = o.prefix ?? `test-${randomUUID()}`;
  const keys = redisKeys(prefix);
  const redisUrl = o.redisUrl ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined); // a test may restart its own Redis
  const clipsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-clips-'));
  const ports = {
    capture: await freePort(),
    inference: await freePort(),
    alerts: await freePort(),
    vllmSim: await freePort(),
  };
  const local = (p: number) => `http://127.0.0.1:${p}`;
  const parts = new Map<PartName, PartProcess>();
  /** Old processes a surge replaced (stopped with the rest). */
  const surged: PartProcess[] = [];
  const broker = await startBroker({
    respond: o.respond,
    routes: [
      ['com.safetyhanta.alert.', [`${local(ports.alerts)}/`]],
      ['com.safetyhanta.verdict.', [`${local(ports.alerts)}/`]],
      ['com.safetyhanta.camera.', [`${local(ports.alerts)}/`, `${local(ports.inference)}/`]],
    ],
  });
  let rtsp: RtspSimHandle | undefined;
  const stopAll = async () => {
    await Promise.all([...parts.values(), ...surged].map((p) => p.stop(8000)));
    if (rtsp) {
      // bounded: rtsp-sim's stop() was seen never to resolve with 10 cameras although all of
      // its processes had exited; whatever is left after 15 s is killed
      const pids = rtsp.pids();
      await Promise.race([rtsp.stop(), new Promise((r) => setTimeout(r, 15_000).unref())]);
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await broker.close();
    // bounded: a test's own Redis may be down when a failed test cleans up
    const cleanKeys = o.keepKeys ? Promise.resolve() : deleteKeysUnder(redis, prefix).catch(() => undefined);
    await Promise.race([cleanKeys, new Promise((r) => setTimeout(r, 3000).unref())]);
    redis.disconnect();
    fs.rmSync(clipsDir, { recursive: true, force: true });
  };
  try {
    if (o.cameras) {
      rtsp = await startRtspSim({
        numStreams: o.cameras,
        clientPort: 0,
        publishPort: 0,
        controlPort: null,
        rtpPortStart: 0,
        rtpPortCount: Math.max(200, o.cameras * 8),
        ...(o.mapping ? { mapping: o.mapping } : {}),
      });
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  const common: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    CLIPS_DIR: clipsDir,
    NUM_STREAMS: String(o.cameras || 1),
    RTSP_URL_TEMPLATE: rtsp ? rtsp.urlFor(1).replace(/cam1$/, 'cam{N}') : 'rtsp://127.0.0.1:9/cam{N}',
    VLLM_BASE_URL: `${local(ports.vllmSim)}/v1`,
    K_SINK: broker.url,
    LOG_LEVEL: 'info',
    QUEUE_HEARTBEAT_TTL_SECONDS: '4',
    QUEUE_REAPER_INTERVAL_SECONDS: '1',
    PUBLISH_MAX_RETRIES: '3',
    ...o.env,
  };
  const envOf: Record<PartName, Record<string, string | undefined>> = {
    vllmSim: {
      ...common,
      VLLM_SIM_PORT: String(ports.vllmSim),
      VLLM_SIM_HOST: '127.0.0.1',
      VLLM_SIM_ALLOWED_MEDIA_PATH: clipsDir,
      ...o.partEnv?.vllmSim,
    },
    alerts: {
      // no system of record unless a test asks for one (env or partEnv.alerts RECORD_DIR=memory, or
      // DATABASE_URL): PGlite's first open costs 10–15 s of CPU, and the default RECORD_DIR is a
      // directory under the cwd that parallel stacks would share. No fault or soak test reads the
      // record (they read Redis through /api/state).
      RECORD_DIR: 'off',
      ...common,
      PORT: String(ports.alerts),
      ALERTS_AUTH_TOKEN: ALERTS_TEST_TOKEN,
      ...o.partEnv?.alerts,
    },
    inference: { ...common, PORT: String(ports.inference), ...o.partEnv?.inference },
    capture: {
      ...common,
      PORT: String(ports.capture),
      RTSP_TRANSPORT: 'udp',
      CAMERA_LEASE_TTL_SECONDS: '4',
      ...o.partEnv?.capture,
    },
  };
  const start = async (name: PartName) => {
    const main = name === 'vllmSim' ? MAINS.vllmSim : MAINS[name];
    const p = startPart(name, main, envOf[name], name === 'capture' ? 'SIGINT' : 'SIGTERM');
    parts.set(name, p);
    await waitHttpOk(
      name === 'vllmSim' ? `${local(ports.vllmSim)}/health` : `${local(ports[name])}/healthz`,
      p,
      o.startTimeoutMs ?? 60_000,
    );
    return p;
  };
  const surge = async (name: 'capture') => {
    const old = parts.get(name);
    if (old) surged.push(old);
    ports[name] = await freePort();
    envOf[name] = { ...envOf[name], PORT: String(ports[name]) };
    const p = startPart(name, MAINS[name], envOf[name], 'SIGINT');
    parts.set(name, p);
    await waitHttpOk(`${local(ports[name])}/readyz`, p, o.startTimeoutMs ?? 60_000);
    return { old, fresh: p };
  };
  const logs = () =>
    [...surged, ...parts.values()]
      .map((p) => `--- ${p.name} (pid ${p.pid}, ${p.alive() ? 'alive' : 'exited'}) ---\n${p.logs().slice(-4000)}`)
      .join('\n');
  return {
    prefix,
    keys,
    redis,
    clipsDir,
    broker,
    rtsp,
    ports,
    url: (name) => local(ports[name]),
    part: (name) => parts.get(name),
    start,
    surge,
    kill9: async (name) => {
      const p = parts.get(name);
      if (!p) return;
      p.kill('SIGKILL');
      await p.exited;
    },
    verdictCounts: async () => {
      const counts = new Map<string, number>();
      for (const [, fields] of await redis.xrange(keys.verdicts, '-', '+')) {
        // keyed by clip: a job id ends in the clip's content fingerprint (issue #18.1), which a deleted clip no longer has
        const id = clipKey(fields[fields.indexOf('jobId') + 1] ?? '?');
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    },
    recordedClips: () => {
      const out: string[] = [];
      for (const cam of fs.readdirSync(clipsDir).filter((d) => /^cam\d+$/.test(d))) {
        for (const f of fs.readdirSync(path.join(clipsDir, cam))) if (f.endsWith('.mp4')) out.push(`${cam}/${f}`);
      }
      return out.sort();
    },
    stagedSegments: () => {
      const root = path.join(clipsDir, '.staging');
      let n = 0;
      for (const cam of fs.existsSync(root) ? fs.readdirSync(root) : []) {
        for (const run of fs.readdirSync(path.join(root, cam))) {
          n += (fs.readdirSync(path.join(root, cam, run), { withFileTypes: true }) ?? []).filter(
            (f) => f.isFile() && f.name.endsWith('.mp4'),
          ).length;
        }
      }
      return n;
    },
    stagedListed: () => {
      const root = path.join(clipsDir, '.staging');
      const out: string[] = [];
      for (const cam of fs.existsSync(root) ? fs.readdirSync(root) : []) {
        for (const run of fs.readdirSync(path.join(root, cam))) {
          const dir = path.join(root, cam, run);
          const list = fs.existsSync(path.join(dir, 'list.csv'))
            ? fs.readFileSync(path.join(dir, 'list.csv'), 'utf8')
            : '';
          for (const line of list.split('\n').filter(Boolean)) {
            const file = line.split(',')[0] ?? '';
            if (fs.existsSync(path.join(dir, path.basename(file)))) out.push(`${cam}/${run}/${path.basename(file)}`);
          }
        }
      }
      return out;
    },
    logs,
    stop: stopAll,
  };
}
