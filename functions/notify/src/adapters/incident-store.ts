import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CameraEntrySchema } from '../../../shared/src/camera-registry/schema';
import type { RedisKeys } from '../../../shared/src/keys';
import type { NotifiedIncident } from '../core/incident-state';
import { notifyScripts } from './delivery-queue';

/** What notify reads from the dashboard's record of an incident (alerts' `safety:alerts` hash). */
export interface DashboardView {
  readonly acknowledgedAt?: string;
  readonly acknowledgedBy?: string;
  readonly state?: 'open' | 'resolved';
}

/**
 * notify's incident state (`notify:incidents`, compare-and-set by `rev`), the escalation schedule
 * (`notify:escalations`), rule cooldowns, and the two things it reads from others: the camera
 * registry (site, zones) and the dashboard's record (acknowledged? resolved?).
 */
export class IncidentStore {
  private readonly lua;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.lua = notifyScripts(redis);
  }

  async get(field: string): Promise<NotifiedIncident | undefined> {
    const raw = await this.redis.hget(this.keys.notifyIncidents, field);
    return raw ? (JSON.parse(raw) as NotifiedIncident) : undefined;
  }

  /** Writes `next` with rev = prev rev + 1 if nobody wrote in between; false on a conflict (re-read and decide again). */
  async put(field: string, prevRev: number, next: NotifiedIncident): Promise<boolean> {
    const r = await this.lua.cas(
      { incidents: this.keys.notifyIncidents },
      { field, expectedRev: prevRev, json: JSON.stringify({ ...next, rev: prevRev + 1 }) },
    );
    return r === 1;
  }

  async scheduleEscalation(incidentId: string, dueMs: number | undefined): Promise<void> {
    if (dueMs === undefined) await this.redis.zrem(this.keys.notifyEscalations, incidentId);
    else await this.redis.zadd(this.keys.notifyEscalations, dueMs, incidentId);
  }

  async dueEscalations(nowMs: number, max = 500): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.notifyEscalations, '-inf', nowMs, 'LIMIT', 0, max);
  }

  /**
   * A rule's cooldown for a camera + hazard: true when this incident may be told (no cooldown, or
   * the cooldown is this same incident's, e.g. a redelivered raise).
   */
  async passCooldown(
    ruleId: string,
    cameraId: string,
    hazardType: string,
    incidentId: string,
    seconds: number,
  ): Promise<boolean> {
    if (seconds <= 0) return true;
    const key = this.keys.notifyCooldown(
      createHash('sha256').update(`${ruleId}\n${cameraId}\n${hazardType}`).digest('hex'),
    );
    const set = await this.redis.set(key, incidentId, 'EX', seconds, 'NX');
    return set === 'OK' || (await this.redis.get(key)) === incidentId;
  }

  async dashboardView(incidentId: string): Promise<DashboardView | undefined> {
    const raw = await this.redis.hget(this.keys.alerts, incidentId);
    if (!raw) return undefined;
    const r = JSON.parse(raw) as DashboardView;
    return {
      ...(r.acknowledgedAt ? { acknowledgedAt: r.acknowledgedAt } : {}),
      ...(r.acknowledgedBy ? { acknowledgedBy: r.acknowledgedBy } : {}),
      ...(r.state ? { state: r.state } : {}),
    };
  }

  /** Site and zone names of a camera from the registry (empty when it is not registered). */
  async cameraInfo(cameraId: string): Promise<{ site?: string; zones: string[] }> {
    const raw = await this.redis.hget(this.keys.cameraRegistry, cameraId);
    if (!raw) return { zones: [] };
    try {
      const e = CameraEntrySchema.safeParse(JSON.parse(raw));
      return e.success ? { site: e.data.site, zones: e.data.zones.map((z) => z.name) } : { zones: [] };
    } catch {
      return { zones: [] };
    }
  }
}
