import fs from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { clipIdFrom, fingerprintFile } from '../../../shared/src/clip-identity';
import { toError } from '../../../shared/src/errors';
import type { RedisKeys } from '../../../shared/src/keys';
import { parseVerdictMark, planRetention, type ClipFacts, type RetentionPlan } from '../core/retention';
import type { CaptureMetrics } from './metrics';
import { MODEL_DIR, modelClipPaths } from '../../../shared/src/model-clip';
import { CAMERA_ID } from '../../../shared/src/camera-id';

export interface RetentionOptions {
  redis: Redis;
  keys: RedisKeys;
  clipsDir: string;
  clipRetentionSeconds: number;
  incidentRetentionDays: number;
  maxBytes?: number | undefined;
  metrics: CaptureMetrics;
  logger: Logger;
}

export interface SweepResult extends RetentionPlan {
  clips: number;
}

const CLIP_NAME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.mp4$/;
const BATCH = 500;

/**
 * The retention sweep over `CLIPS_DIR/<camera>/<stamp>.mp4` (the recorder's layout; other files
 * only count toward the byte cap). Verdict markers come from inference (see core/retention.ts).
 */
export class RetentionSweeper {
  /** Last sweep, for /readyz. */
  last: (SweepResult & { at: string }) | undefined;

  /**
   * path → its job id, with the size and mtime it was computed for. The id ends in a content
   * fingerprint (issue #18.1, clip-identity.ts), so each clip is read (8 KiB) once per process,
   * not once per sweep; a file changed under the same name is fingerprinted again.
   */
  private readonly ids = new Map<string, { id: string; size: number; mtimeMs: number }>();

  constructor(private readonly opts: RetentionOptions) {}

  private async jobIdOf(rel: string, abs: string, st: { size: number; mtimeMs: number }): Promise<string | undefined> {
    const known = this.ids.get(rel);
    if (known && known.size === st.size && known.mtimeMs === st.mtimeMs) return known.id;
    const fp = await fingerprintFile(abs).catch(() => undefined);
    if (!fp) return undefined;
    const id = clipIdFrom(rel, fp.fingerprint);
    this.ids.set(rel, { id, size: st.size, mtimeMs: st.mtimeMs });
    return id;
  }

  /**
   * The periodic sweep, one replica per interval: takes `retentionLock` (SET NX, expiring just
   * before the next interval) and sweeps only if it won.
   * @returns the sweep's result, or undefined when another replica holds the lock
   */
  async sweepIfLockWon(owner: string, intervalMs: number): Promise<SweepResult | undefined> {
    const { redis, keys } = this.opts;
    const won = await redis.set(keys.retentionLock, owner, 'PX', Math.max(1000, intervalMs - 500), 'NX');
    return won === 'OK' ? this.sweep() : undefined;
  }

  async sweep(now = Date.now()): Promise<SweepResult> {
    const { clipsDir, keys, redis, metrics, logger } = this.opts;
    const { clips, otherBytes } = await this.scan();
    for (let i = 0; i < clips.length; i += BATCH) {
      const batch = clips.slice(i, i + BATCH);
      const [marks, members, marked, held] = await Promise.all([
        redis.mget(...batch.map((c) => keys.verdictDone(c.jobId))),
        redis.smismember(keys.incidentClips, ...batch.map((c) => c.path)),
        redis.smismember(keys.feedbackClips, ...batch.map((c) => c.path)),
        redis.smismember(keys.legalHoldClips, ...batch.map((c) => c.path)),
      ]);
      batch.forEach((c, j) => {
        c.verdict = parseVerdictMark(marks[j] ?? null);
        c.inIncidentSet = members[j] === 1;
        // operator feedback and a legal hold on the incident (the record, issue #25) both keep a clip
        c.feedbackHeld = marked[j] === 1 || held[j] === 1;
      });
    }
    const plan = planRetention(clips, {
      now,
      safeRetentionMs: this.opts.clipRetentionSeconds * 1000,
      incidentRetentionMs: this.opts.incidentRetentionDays * 86_400_000,
      maxBytes: this.opts.maxBytes,
      otherBytes,
    });
    for (const d of plan.delete) {
      try {
        await fs.unlink(path.join(clipsDir, d.path));
        // its model clip and thumbnails go with it (issue #13); they were counted in its bytes
        const model = modelClipPaths(d.path);
        await fs.rm(path.join(clipsDir, model.clip), { force: true });
        await fs.rm(path.join(clipsDir, model.thumbs), { force: true });
        if (d.reason !== 'safe-expired') await redis.srem(keys.incidentClips, d.path);
        metrics.retentionDeleted.inc({ reason: d.reason });
      } catch (err) {
        logger.warn({ path: d.path, err: toError(err).message }, 'retention could not delete a clip');
      }
    }
    metrics.clipsDirBytes.set(plan.bytesAfter);
    metrics.diskCapBlocked.set(plan.capBlocked ? 1 : 0);
    if (plan.capBlocked) {
      logger.error(
        { bytes: plan.bytesAfter, maxBytes: this.opts.maxBytes },
        'CLIPS_MAX_BYTES exceeded and every remaining clip is still queued or in processing: nothing can be evicted. Recording continues; inference is behind or stopped.',
      );
    }
    if (plan.delete.length > 0)
      logger.info({ deleted: plan.delete.length, bytesAfter: plan.bytesAfter }, 'retention sweep');
    const result = { ...plan, clips: clips.length };
    this.last = { ...result, at: new Date(now).toISOString() };
    return result;
  }

  private async scan(): Promise<{ clips: (ClipFacts & { jobId: string })[]; otherBytes: number }> {
    const { clipsDir } = this.opts;
    const clips: (ClipFacts & { jobId: string })[] = [];
    let otherBytes = 0;
    const present = new Set<string>();
    for (const entry of await fs.readdir(clipsDir, { withFileTypes: true }).catch(() => [])) {
      const abs = path.join(clipsDir, entry.name);
      if (!entry.isDirectory() || entry.name.startsWith('.') || !CAMERA_ID.test(entry.name)) {
        otherBytes += await du(abs);
        continue;
      }
      // derived files (issue #13) count with their evidence clip; orphans as other bytes
      const derived = await sizes(path.join(abs, MODEL_DIR));
      const derivedBytes = (rel: string): number => {
        let n = 0;
        for (const p of Object.values(modelClipPaths(rel))) {
          const name = path.posix.basename(p);
          n += derived.get(name) ?? 0;
          derived.delete(name);
        }
        return n;
      };
      for (const f of await fs.readdir(abs, { withFileTypes: true }).catch(() => [])) {
        if (f.name === MODEL_DIR && f.isDirectory()) continue;
        const m = CLIP_NAME.exec(f.name);
        const st = await fs.lstat(path.join(abs, f.name)).catch(() => undefined);
        if (!st) continue;
        if (!m || !f.isFile()) {
          otherBytes += f.isDirectory() ? await du(path.join(abs, f.name)) : st.size;
          continue;
        }
        const startedAt = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
        const rel = `${entry.name}/${f.name}`;
        const jobId = await this.jobIdOf(rel, path.join(abs, f.name), st);
        if (jobId === undefined) continue; // vanished or unreadable since the listing
        present.add(rel);
        clips.push({ path: rel, jobId, startedAt, bytes: st.size + derivedBytes(rel), inIncidentSet: false });
      }
      for (const size of derived.values()) otherBytes += size;
    }
    for (const rel of this.ids.keys()) if (!present.has(rel)) this.ids.delete(rel);
    return { clips, otherBytes };
  }
}

/** Name → size of the regular files directly in a folder (none when it does not exist). */
async function sizes(dir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const f of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const st = f.isFile() ? await fs.lstat(path.join(dir, f.name)).catch(() => undefined) : undefined;
    if (st) out.set(f.name, st.size);
  }
  return out;
}

/** Bytes under a path (files only, symlinks not followed). */
async function du(p: string): Promise<number> {
  const st = await fs.lstat(p).catch(() => undefined);
  if (!st) return 0;
  if (!st.isDirectory()) return st.isFile() ? st.size : 0;
  let total = 0;
  for (const f of await fs.readdir(p).catch(() => [] as string[])) total += await du(path.join(p, f));
  return total;
}
