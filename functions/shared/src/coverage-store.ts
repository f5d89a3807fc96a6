import type { Redis } from 'ioredis';
import { computeCoverage, parseJudged, parseMark, type Coverage, type CoverageMark } from './coverage';
import type { RedisKeys } from './keys';

/** How long judged windows and marks are kept: the longest window anyone asks for. */
export const COVERAGE_KEEP_MS = 24 * 3600 * 1000;

/**
 * Coverage in Redis (issue #26.7; keys.ts `coverageJudged`, `coverageMarks`): alerts adds the window
 * of each verdict.created, capture marks why a recorder stopped or a clip was refused. ZADD of the
 * same member is idempotent, so redelivered events and replicas write nothing twice; each write
 * trims what is older than COVERAGE_KEEP_MS.
 */
export class CoverageStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async judged(cameraId: string, startMs: number, endMs: number): Promise<void> {
    const key = this.keys.coverageJudged(cameraId);
    await this.redis
      .multi()
      .zadd(key, startMs, `${Math.round(startMs)}-${Math.round(endMs)}`)
      .zremrangebyscore(key, '-inf', endMs - COVERAGE_KEEP_MS)
      .exec();
  }

  async mark(cameraId: string, cause: CoverageMark['cause'], atMs: number): Promise<void> {
    const key = this.keys.coverageMarks(cameraId);
    await this.redis
      .multi()
      .zadd(key, atMs, `${Math.round(atMs)}:${cause}`)
      .zremrangebyscore(key, '-inf', atMs - COVERAGE_KEEP_MS)
      .exec();
  }

  /** One camera's coverage over `[from, to]` (ms). Judged windows that began before `from` are read too. */
  async coverage(cameraId: string, from: number, to: number, maxClipMs = 60_000): Promise<Coverage> {
    const [judged, marks] = await Promise.all([
      this.redis.zrangebyscore(this.keys.coverageJudged(cameraId), from - maxClipMs, to),
      this.redis.zrangebyscore(this.keys.coverageMarks(cameraId), from - maxClipMs, to),
    ]);
    return computeCoverage(
      { from, to },
      judged.map(parseJudged).filter((j) => j !== undefined),
      marks.map(parseMark).filter((m) => m !== undefined),
    );
  }
}
