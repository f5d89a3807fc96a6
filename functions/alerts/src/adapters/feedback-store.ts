import type { Redis } from 'ioredis';
import {
  feedbackField,
  FeedbackRecordSchema,
  type FeedbackKind,
  type FeedbackRecord,
  type FeedbackTarget,
} from '../../../shared/src/feedback';
import { redisKeys } from '../../../shared/src/keys';

/**
 * Operator feedback in Redis: a HASH of records (one per target and kind) and a SET of the clip
 * paths they mark, which capture's retention reads so a marked clip is never deleted.
 */
export class FeedbackStore {
  private readonly hash: string;
  private readonly clips: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    const k = redisKeys(prefix);
    this.hash = k.feedback;
    this.clips = k.feedbackClips;
  }

  /** Stores (or replaces) a record and holds its clip. */
  async put(rec: FeedbackRecord): Promise<void> {
    const field = feedbackField(rec.target, rec.kind);
    const previous = await this.redis.hget(this.hash, field);
    await this.redis.multi().hset(this.hash, field, JSON.stringify(rec)).sadd(this.clips, rec.clipPath).exec();
    const old = previous ? FeedbackRecordSchema.safeParse(JSON.parse(previous)) : undefined;
    if (old?.success && old.data.clipPath !== rec.clipPath) await this.releaseIfUnmarked(old.data.clipPath);
  }

  /** Whether a record of this kind is stored for the target. */
  async has(target: FeedbackTarget, kind: FeedbackKind): Promise<boolean> {
    return (await this.redis.hexists(this.hash, feedbackField(target, kind))) === 1;
  }

  /** Removes one record; its clip is released once no other record marks it. False when there was none. */
  async remove(target: FeedbackTarget, kind: FeedbackKind): Promise<boolean> {
    const field = feedbackField(target, kind);
    const raw = await this.redis.hget(this.hash, field);
    if (raw === null) return false;
    await this.redis.hdel(this.hash, field);
    const rec = FeedbackRecordSchema.safeParse(JSON.parse(raw));
    if (rec.success) await this.releaseIfUnmarked(rec.data.clipPath);
    return true;
  }

  /** Every record (operator-made: hundreds, not millions), newest first; unreadable entries are skipped. */
  async list(): Promise<FeedbackRecord[]> {
    const rows = await this.redis.hvals(this.hash);
    return rows
      .map((r) => FeedbackRecordSchema.safeParse(JSON.parse(r)))
      .flatMap((r) => (r.success ? [r.data] : []))
      .sort((a, b) => b.at.localeCompare(a.at));
  }

  private async releaseIfUnmarked(clipPath: string): Promise<void> {
    const still = (await this.list()).some((r) => r.clipPath === clipPath);
    if (!still) await this.redis.srem(this.clips, clipPath);
  }
}
