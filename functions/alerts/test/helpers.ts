import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CloudEvent, HTTP } from 'cloudevents';
import { Redis } from 'ioredis';
import { parseConfig, type Config } from '../../shared/src/config';
import { EventType, type AlertData, type EventTypeName } from '../../shared/src/events';
import { deleteKeysUnder } from '../../shared/test/redis-helpers';

export const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** A fresh prefix, clips dir and config for one test file. */
export async function testEnv(
  extra: Record<string, string> = {},
): Promise<{ config: Config; prefix: string; clipsDir: string; cleanup(): Promise<void> }> {
  const prefix = `test-${randomUUID()}`;
  const clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'alerts-clips-'));
  const config = parseConfig({
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    CLIPS_DIR: clipsDir,
    PORT: '0',
    NUM_STREAMS: '2',
    // access control is tested on its own (auth.int.test.ts); the other tests exercise the routes open
    LOG_LEVEL: 'silent',
    ALERTS_POLL_MS: '300',
    ALERTS_AUTH: 'none',
    ...extra,
  });
  return {
    config,
    prefix,
    clipsDir,
    async cleanup() {
      await deleteKeys(prefix);
      await fs.rm(clipsDir, { recursive: true, force: true });
    },
  };
}

/** Deletes every key under `prefix:`. */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    await deleteKeysUnder(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/** Counts keys under `prefix:`. */
export async function countKeys(prefix: string): Promise<number> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    let n = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      n += keys.length;
    } while (cursor !== '0');
    return n;
  } finally {
    redis.disconnect();
  }
}

/**
 * Writes a real small H.264 MP4. By default like capture's segmenter output: `moov` at the end,
 * so a browser must use Range requests to reach it before playing.
 */
export async function makeClip(file: string, seconds = 3, opts: { faststart?: boolean } = {}): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await promisify(execFile)('ffmpeg', [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=320x180:rate=25:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-g',
    '25',
    ...(opts.faststart ? ['-movflags', '+faststart'] : []),
    file,
  ]);
}

/** Alert data that passes the schema; override what the test cares about. */
export function alertData(over: Partial<AlertData> = {}): AlertData {
  const t = new Date().toISOString();
  return {
    incidentId: `inc-${randomUUID()}`,
    cameraId: 'cam1',
    status: 'danger',
    state: 'open',
    severity: 'danger',
    hazardType: 'fire',
    hazards: [{ type: 'fire', description: '작업장 바닥에 불꽃', confidence: 0.93 }],
    summary: '화재 감지: 작업장 바닥에 불꽃이 보입니다.',
    clipPath: 'cam1/20261128T204000Z.mp4',
    capturedAt: t,
    analyzedAt: t,
    model: 'Qwen/Qwen3-VL-8B-Instruct',
    openedAt: t,
    ...over,
  };
}

/** POSTs one CloudEvent (binary mode unless `structured`). Returns the status and body. */
export async function postEvent(
  url: string,
  type: EventTypeName,
  data: unknown,
  opts: { id?: string; structured?: boolean; cameraId?: string } = {},
): Promise<{ status: number; body: string }> {
  const cameraId = opts.cameraId ?? (data as { cameraId?: string }).cameraId ?? 'cam1';
  const ce = new CloudEvent({
    id: opts.id ?? randomUUID(),
    type,
    source: `/cameras/${cameraId}`,
    datacontenttype: 'application/json',
    data,
    cameraid: cameraId,
  });
  const msg = opts.structured ? HTTP.structured(ce) : HTTP.binary(ce);
  const res = await fetch(url, {
    method: 'POST',
    headers: msg.headers as Record<string, string>,
    body: msg.body as string,
  });
  return { status: res.status, body: await res.text() };
}

/** Polls `fn` until it returns a truthy value or the deadline passes (never a blind sleep). */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- whatever was thrown, as String() shows it
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export { EventType };
