import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisKeys } from '../keys';
import { canonicalEntry, planReseed } from './reseed';
import { CameraEntryError, parseCameraEntry, patchCameraEntry, type CameraEntry } from './schema';

/** What changed, as published in the `camera.updated` CloudEvent. */
export interface CameraChange {
  cameraId: string;
  change: 'created' | 'updated' | 'deleted';
  /** The entry after the change (absent on delete). */
  entry?: CameraEntry;
  at: string;
}

export interface CameraRegistryOptions {
  /** Called after every successful write (the alerts API publishes `camera.updated` from it). */
  onChange?: (c: CameraChange) => Promise<void> | void;
  logger?: Logger;
}

const byId = (a: CameraEntry, b: CameraEntry) => a.id.localeCompare(b.id, 'en', { numeric: true });

/**
 * The camera registry in Redis: one HASH (id → entry JSON) plus a version counter bumped in the
 * same MULTI as every write, so readers poll one small key instead of the whole hash.
 * Writes are last-writer-wins per camera (an operator tool, not a high-contention path).
 */
export class CameraRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly opts: CameraRegistryOptions = {},
  ) {}

  /** Every valid entry, sorted cam1, cam2, … cam10. An entry that fails the schema is skipped and logged. */
  async list(): Promise<CameraEntry[]> {
    const all = await this.redis.hgetall(this.keys.cameraRegistry);
    const out: CameraEntry[] = [];
    for (const [id, json] of Object.entries(all)) {
      const e = this.decode(id, json);
      if (e) out.push(e);
    }
    return out.sort(byId);
  }

  async get(id: string): Promise<CameraEntry | undefined> {
    const json = await this.redis.hget(this.keys.cameraRegistry, id);
    return json === null ? undefined : this.decode(id, json);
  }

  /** The version counter (0 before the first write). */
  async version(): Promise<number> {
    return Number((await this.redis.get(this.keys.cameraRegistryVersion)) ?? 0);
  }

  /** Full replace (PUT). @throws CameraEntryError naming the field; the stored entry is then unchanged. */
  async put(id: string, body: unknown): Promise<{ entry: CameraEntry; created: boolean }> {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new CameraEntryError('', 'expected a JSON object');
    const b = body as Record<string, unknown>;
    if ('id' in b && b.id !== id) throw new CameraEntryError('id', `must match the URL (${id})`);
    const { updatedAt: _ignored, ...rest } = b;
    const entry = parseCameraEntry({ ...rest, id });
    const { created, stored } = await this.write(entry);
    await this.changed({
      cameraId: id,
      change: created ? 'created' : 'updated',
      entry: stored,
      at: stored.updatedAt ?? '',
    });
    return { entry: stored, created };
  }

  /** Partial update (PATCH). Undefined when there is no such camera. */
  async patch(id: string, body: unknown): Promise<CameraEntry | undefined> {
    const current = await this.get(id);
    if (!current) return undefined;
    const entry = patchCameraEntry(current, body);
    const { stored } = await this.write(entry);
    await this.changed({ cameraId: id, change: 'updated', entry: stored, at: stored.updatedAt ?? '' });
    return stored;
  }

  /** False when there was no such camera. */
  async remove(id: string): Promise<boolean> {
    const res = await this.redis
      .multi()
      .hdel(this.keys.cameraRegistry, id)
      .incr(this.keys.cameraRegistryVersion)
      .exec();
    const removed = Number(res?.[0]?.[1] ?? 0) === 1;
    if (removed) await this.changed({ cameraId: id, change: 'deleted', at: new Date().toISOString() });
    return removed;
  }

  /**
   * Seeds today's configuration: each id once per Redis (a SET of ids ever seeded), so a restart
   * never brings back a camera an operator deleted nor overwrites an edited one (HSETNX), while a
   * larger NUM_STREAMS still adds its new cameras. Returns how many were added.
   */
  async seedOnce(entries: readonly CameraEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const fresh = await this.redis.multi(entries.map((e) => ['sadd', this.keys.cameraRegistrySeeded, e.id])).exec();
    const todo = entries.filter((_, i) => Number(fresh?.[i]?.[1] ?? 0) === 1);
    if (todo.length === 0) return 0;
    const at = new Date().toISOString();
    const m = this.redis.multi();
    for (const e of todo) m.hsetnx(this.keys.cameraRegistry, e.id, JSON.stringify({ ...e, updatedAt: at }));
    m.incr(this.keys.cameraRegistryVersion);
    const res = await m.exec();
    return (res ?? []).slice(0, todo.length).filter(([, v]) => Number(v) === 1).length;
  }

  /**
   * Seeds today's configuration and lets unedited seeded entries follow it (reseed.ts): new ids
   * are added, an entry still exactly as seeded is rewritten to today's seed or removed when
   * NUM_STREAMS no longer lists it; anything an operator edited, added or deleted stays as is.
   * Runs under WATCH, so an API write in between makes it start again (at most 5 times).
   */
  async syncSeeded(today: readonly CameraEntry[]): Promise<{ added: number; updated: number; removed: number }> {
    // its own connection: WATCH is per connection, and another MULTI on a shared one would clear it
    const conn = this.redis.duplicate();
    try {
      return await this.syncOn(conn, today);
    } finally {
      conn.disconnect();
    }
  }

  private async syncOn(
    conn: Redis,
    today: readonly CameraEntry[],
  ): Promise<{ added: number; updated: number; removed: number }> {
    const k = this.keys;
    for (let attempt = 0; attempt < 5; attempt++) {
      await conn.watch(k.cameraRegistry, k.cameraRegistrySeededAs, k.cameraRegistrySeeded);
      const [registry, seededAs, seeded] = await Promise.all([
        conn.hgetall(k.cameraRegistry),
        conn.hgetall(k.cameraRegistrySeededAs),
        conn.smembers(k.cameraRegistrySeeded),
      ]);
      const plan = planReseed(today, { registry, seededAs, seeded: new Set(seeded) });
      if (plan.add.length + plan.update.length + plan.remove.length === 0) {
        await conn.unwatch();
        return { added: 0, updated: 0, removed: 0 };
      }
      const at = new Date().toISOString();
      const m = conn.multi();
      for (const e of plan.add) {
        m.hsetnx(k.cameraRegistry, e.id, JSON.stringify({ ...e, updatedAt: at }));
        m.sadd(k.cameraRegistrySeeded, e.id);
        m.hset(k.cameraRegistrySeededAs, e.id, canonicalEntry(e) ?? '');
      }
      for (const e of plan.update) {
        m.hset(k.cameraRegistry, e.id, JSON.stringify({ ...e, updatedAt: at }));
        m.hset(k.cameraRegistrySeededAs, e.id, canonicalEntry(e) ?? '');
      }
      for (const id of plan.remove) {
        m.hdel(k.cameraRegistry, id);
        m.hdel(k.cameraRegistrySeededAs, id);
        m.srem(k.cameraRegistrySeeded, id);
      }
      m.incr(k.cameraRegistryVersion);
      if ((await m.exec()) !== null)
        return { added: plan.add.length, updated: plan.update.length, removed: plan.remove.length };
    }
    throw new Error('camera registry kept changing while seeding; seeding again at the next start');
  }

  private async write(entry: CameraEntry): Promise<{ created: boolean; stored: CameraEntry }> {
    const stored = { ...entry, updatedAt: new Date().toISOString() };
    const res = await this.redis
      .multi()
      .hset(this.keys.cameraRegistry, entry.id, JSON.stringify(stored))
      .incr(this.keys.cameraRegistryVersion)
      .exec();
    return { created: Number(res?.[0]?.[1] ?? 0) === 1, stored };
  }

  private decode(id: string, json: string): CameraEntry | undefined {
    try {
      return parseCameraEntry(JSON.parse(json));
    } catch (err) {
      this.opts.logger?.warn({ cameraId: id, err: (err as Error).message }, 'invalid camera registry entry skipped');
      return undefined;
    }
  }

  private async changed(c: CameraChange): Promise<void> {
    try {
      await this.opts.onChange?.(c);
    } catch (err) {
      // the write is done; a lost notification only delays readers until their next poll
      this.opts.logger?.warn(
        { cameraId: c.cameraId, err: (err as Error).message },
        'camera change notification failed',
      );
    }
  }
}
