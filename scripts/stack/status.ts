import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../functions/shared/src/keys';
import { readPipeline } from '../../functions/shared/src/pipeline-readings';

export type VerdictStatus = 'safe' | 'warning' | 'danger' | 'uncertain';

/** One reading of the pipeline's state, from Redis. */
export interface PipelineStatus {
  readonly camerasOnline: number;
  /** cameras known to capture (0 until capture wrote its first status) */
  readonly camerasKnown: number;
  /** `enqueued` counter of the clip queue */
  readonly clipsEnqueued: number;
  readonly queueDepth: number;
  readonly inFlight: number;
  readonly deadLetters: number;
  readonly verdicts: Readonly<Record<VerdictStatus, number>>;
  readonly openIncidents: number;
}

/** Status of a camera-status JSON value: online unless it says otherwise. */
export function cameraOnline(raw: string): boolean {
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    if (typeof v.online === 'boolean') return v.online;
    const s = v.status ?? v.state;
    return s === undefined ? true : s === 'online' || s === 'up' || s === 'recording';
  } catch {
    return false;
  }
}

/** The verdict status of one `safety:verdicts` stream entry (flat field list), or undefined. */
export function verdictStatusOf(fields: readonly string[]): VerdictStatus | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const direct = map.get('status');
  if (isStatus(direct)) return direct;
  for (const name of ['verdict', 'data', 'json', 'event']) {
    const raw = map.get(name);
    if (!raw) continue;
    try {
      const v = JSON.parse(raw) as { status?: unknown; verdict?: { status?: unknown } };
      if (isStatus(v.status)) return v.status;
      if (isStatus(v.verdict?.status)) return v.verdict.status;
    } catch {
      // not JSON: keep looking
    }
  }
  return undefined;
}

function isStatus(v: unknown): v is VerdictStatus {
  return v === 'safe' || v === 'warning' || v === 'danger' || v === 'uncertain';
}

/**
 * Reads the pipeline state from Redis. Verdicts are tallied incrementally (XRANGE from the
 * last id seen), so a long-running stack reads each entry once.
 */
export class StatusReader {
  private lastVerdictId = '-';
  private readonly tally: Record<VerdictStatus, number> = { safe: 0, warning: 0, danger: 0, uncertain: 0 };

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** The shared pipeline readings (functions/shared/src/pipeline-readings.ts, as the dashboard shows them), plus cameras and the verdict tally. */
  async read(): Promise<PipelineStatus> {
    await this.readVerdicts();
    const [cameras, pipeline] = await Promise.all([
      this.redis.hgetall(this.keys.cameras),
      readPipeline(this.redis, this.keys),
    ]);
    const cams = Object.values(cameras);
    return {
      camerasOnline: cams.filter(cameraOnline).length,
      camerasKnown: cams.length,
      clipsEnqueued: pipeline.clipsEnqueued,
      queueDepth: pipeline.queueDepth,
      inFlight: pipeline.inFlight,
      deadLetters: pipeline.deadLetters,
      verdicts: { ...this.tally },
      openIncidents: pipeline.openIncidents,
    };
  }

  private async readVerdicts(): Promise<void> {
    for (;;) {
      const start = this.lastVerdictId === '-' ? '-' : `(${this.lastVerdictId}`;
      const entries = await this.redis.xrange(this.keys.verdicts, start, '+', 'COUNT', 1000);
      for (const [id, fields] of entries) {
        const s = verdictStatusOf(fields);
        if (s) this.tally[s]++;
        this.lastVerdictId = id;
      }
      if (entries.length < 1000) return;
    }
  }
}

/** Clips per minute from a sliding window of (time, counter) samples. */
export class RateMeter {
  private readonly samples: { t: number; n: number }[] = [];

  constructor(private readonly windowMs = 60_000) {}

  add(n: number, t = Date.now()): void {
    this.samples.push({ t, n });
    while (this.samples.length > 2 && this.samples[0]!.t < t - this.windowMs) this.samples.shift();
  }

  perMinute(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.t - first.t < 1000) return 0;
    return ((last.n - first.n) * 60_000) / (last.t - first.t);
  }
}
