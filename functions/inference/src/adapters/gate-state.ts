import path from 'node:path';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../shared/src/keys';
import { lua, luaReply, luaScripts } from '../../../shared/src/lua';
import type { LastJudged } from '../core/unchanged-gate';

const loadScripts = luaScripts('inference', path.join(__dirname, 'lua'), {
  'set-last-judged-1': lua({ keys: ['lastJudged'], args: ['cameraId', 'atMs', 'json'], reply: luaReply.number }),
});

/**
 * The unchanged-scene gate's per-camera reference, in Redis (several pods share a camera's
 * queue): the last JUDGED clip — never a skipped one, so skips cannot chain.
 */
export class GateState {
  private readonly lua;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.lua = loadScripts(redis);
  }

  async lastJudged(cameraId: string): Promise<LastJudged | undefined> {
    const raw = await this.redis.hget(this.keys.inferenceLastJudged, cameraId);
    if (!raw) return undefined;
    try {
      const v = JSON.parse(raw) as { jobId: string; status: string; at: number; thumbs: string[] };
      return { jobId: v.jobId, status: v.status, at: v.at, thumbs: v.thumbs.map((t) => Buffer.from(t, 'base64')) };
    } catch {
      return undefined; // unreadable: the gate judges (and the next judged clip overwrites it)
    }
  }

  /** Records a judged clip; a newer one already recorded wins (Lua: compare `at`, then HSET). */
  async recordJudged(cameraId: string, j: LastJudged): Promise<void> {
    const json = JSON.stringify({
      jobId: j.jobId,
      status: j.status,
      at: j.at,
      thumbs: j.thumbs.map((t) => Buffer.from(t.buffer, t.byteOffset, t.byteLength).toString('base64')),
    });
    await this.lua.setLastJudged({ lastJudged: this.keys.inferenceLastJudged }, { cameraId, atMs: j.at, json });
  }

  /** Drops a camera's reference: its next clip is judged. */
  async forget(cameraId: string): Promise<void> {
    await this.redis.hdel(this.keys.inferenceLastJudged, cameraId);
  }
}
