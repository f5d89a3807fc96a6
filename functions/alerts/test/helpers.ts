import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CloudEvent, HTTP } from 'cloudevents';
import { parseConfig, type Config } from '../../shared/src/config';
import { EventType, type AlertData, type EventTypeName } from '../../shared/src/events';
import { countKeysUnder, deleteKeysUnder, TEST_REDIS_URL, withRedis } from '../../../test/support';

export { TEST_REDIS_URL };

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
    // the system of record is tested on its own (record-*.int.test.ts): PGlite's start costs seconds
    RECORD_DIR: 'off',
    ...extra,
  });
  return {
    config,
    prefix,
    clipsDir,
    async cleanup() {
      await withRedis((r) => deleteKeysUnder(r, prefix));
      await fs.rm(clipsDir, { recursive: true, force: true });
    },
  };
}

/** Counts keys under `prefix:`. */
export const countKeys = (prefix: string): Promise<number> => withRedis((r) => countKeysUnder(r, prefix));

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

export { EventType };
