/** Shared by capture's integration tests: real Redis, rtsp-sim, a real CloudEvents sink. */
import { execFile } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { HTTP } from 'cloudevents';
import { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { parseConfig, type Config } from '../../shared/src/config';
import { startRtspSim, type RtspSimHandle } from '../../../simulator/cameras/src/index';

/** Scenes are rendered once per machine (content-hashed cache), not per run. */
export const SCENE_CACHE = path.join(os.tmpdir(), 'safety-hanta-capture-test-scenes');

export async function startSim(numStreams: number): Promise<RtspSimHandle> {
  return startRtspSim({
    numStreams,
    urlTemplate: 'rtsp://127.0.0.1:8554/cam{N}',
    clientPort: 0,
    publishPort: 0,
    controlPort: null,
    rtpPortStart: 0,
    width: 640,
    height: 360,
    fps: 25,
    cacheDir: SCENE_CACHE,
    staggerMs: 100,
    mapping: Object.fromEntries(Array.from({ length: numStreams }, (_, i) => [`cam${i + 1}`, 'safe'])),
  });
}

/** The sim's reader URL template (its client port is random). */
export function simTemplate(sim: RtspSimHandle): string {
  return sim.urlFor(1).replace(/cam1$/, 'cam{N}');
}

export function testEnv(over: Record<string, string>): Record<string, string> {
  return {
    REDIS_URL: 'redis://127.0.0.1:6379',
    LOG_LEVEL: 'error',
    RTSP_TRANSPORT: 'udp',
    RTSP_TIMEOUT_SECONDS: '3',
    PORT: '0',
    ...over,
  };
}

export function testConfig(over: Record<string, string>): Config {
  return parseConfig(testEnv(over));
}

export function newPrefix(): string {
  return `test-${randomUUID()}`;
}

/** Deletes every key under the prefix. */
export async function cleanRedis(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

/** Polls until `cond` returns a truthy value or the deadline passes (then throws with `what`). */
export async function waitFor<T>(
  cond: () => Promise<T> | T,
  timeoutMs: number,
  what: string | (() => string | Promise<string>),
  everyMs = 100,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : await what()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface ReceivedCe {
  type: string;
  data: Record<string, unknown>;
  at: number;
}

/** A real HTTP server receiving CloudEvents (the K_SINK). */
export async function startSink(): Promise<{ url: string; events: ReceivedCe[]; close(): Promise<void> }> {
  const events: ReceivedCe[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const ce = HTTP.toEvent({
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        const one = Array.isArray(ce) ? ce[0] : ce;
        if (one)
          events.push({
            type: one.type,
            data: (typeof one.data === 'string' ? JSON.parse(one.data) : one.data) as Record<string, unknown>,
            at: Date.now(),
          });
        res.writeHead(202).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    events,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** ffprobe duration (s) and whether there is a video stream; null when unreadable. */
export function ffprobe(file: string): Promise<{ duration: number; video: boolean } | null> {
  return new Promise((resolve) => {
    execFile(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type', '-of', 'json', file],
      (err, stdout) => {
        if (err) return resolve(null);
        const j = JSON.parse(stdout) as { format?: { duration?: string }; streams?: { codec_type?: string }[] };
        resolve({
          duration: Number(j.format?.duration),
          video: (j.streams ?? []).some((s) => s.codec_type === 'video'),
        });
      },
    );
  });
}

/** Count, sum and the `le` buckets of a prom-client histogram. */
export async function histogram(
  registry: Registry,
  name: string,
): Promise<{ count: number; sum: number; le: (bound: number) => number }> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const values = (await metric.get()).values as {
    value: number;
    labels: Record<string, string | number>;
    metricName?: string;
  }[];
  const find = (suffix: string) => values.find((v) => v.metricName?.endsWith(suffix))?.value ?? 0;
  return {
    count: find('_count'),
    sum: find('_sum'),
    le: (bound) => values.find((v) => v.metricName?.endsWith('_bucket') && v.labels.le === bound)?.value ?? -1,
  };
}
