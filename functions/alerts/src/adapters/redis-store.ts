import type { Redis } from 'ioredis';
import { RetryableError } from '../../../shared/src/errors';
import type { AlertData, CameraStatusEvent, VerdictCreated } from '../../../shared/src/events';
import { loadAlertScripts } from './alert-scripts';
import type { VerdictStatus } from '../../../shared/src/verdict';
import { parseStatusReport, type StatusReport } from '../core/cameras';
import type { CounterInputs } from '../core/counters';
import { readPipeline } from '../../../shared/src/pipeline-readings';
import {
  acknowledge,
  applyAlertEvent,
  markObserved,
  markUnobserved,
  type AlertEventKind,
  type Applied,
  type DashboardIncident,
} from '../core/incidents';
import type { AlertKeys } from './store-keys';

import type { StoredVerdict, StoreUpdate } from './store-update';
export type { StoredVerdict, StoreUpdate } from './store-update';

export interface AlertStoreOptions {
  readonly recentVerdicts: number;
  readonly maxIncidents: number;
  /** How long a CloudEvent id is remembered for redelivery dedup. @default 7 days */
  readonly seenTtlSeconds?: number;
}

const parse = <T>(json: string | null | undefined): T | undefined => (json ? (JSON.parse(json) as T) : undefined);

/**
 * The alerts function's state in Redis: incidents (compare-and-set on `rev`, once per event id),
 * recent verdicts, camera events, and the read side for the dashboard. Every stored change is
 * published on the updates channel.
 */
export class AlertStore {
  private readonly scripts: ReturnType<typeof loadAlertScripts>;
  private readonly seenTtl: number;

  constructor(
    private readonly redis: Redis,
    readonly keys: AlertKeys,
    private readonly opts: AlertStoreOptions,
  ) {
    this.scripts = loadAlertScripts(redis);
    this.seenTtl = opts.seenTtlSeconds ?? 7 * 24 * 3600;
  }

  /** Applies an alert event; `undefined` when the event id was already stored. */
  async applyAlert(
    eventId: string,
    kind: AlertEventKind,
    data: AlertData,
    receivedAt: string,
  ): Promise<Applied | undefined> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const prev = await this.getIncident(data.incidentId);
      const applied = applyAlertEvent(prev, { eventId, kind, data, receivedAt });
      if (applied.kind === 'duplicate') return undefined;
      const res = await this.writeIncident(
        applied.record,
        prev?.rev ?? 0,
        this.keys.seen(eventId),
        String(this.seenTtl),
      );
      if (res === 'dup') return undefined;
      if (res === 'ok') {
        await this.publish({ type: 'incident', change: applied.kind, alert: applied.alert, record: applied.record });
        return applied;
      }
    }
    throw new RetryableError(`incident ${data.incidentId}: too many concurrent writers; retry the event`);
  }

  /** Acknowledges an incident; `undefined` when it does not exist. Idempotent. */
  async acknowledge(incidentId: string, at: string, by: string | undefined): Promise<DashboardIncident | undefined> {
    return this.change(incidentId, 'acknowledged', (prev) => acknowledge(prev, at, by));
  }

  /**
   * Marks an open incident unobserved since `since` (its camera's last verdict), or observed again
   * (issue #28.4, core/observation.ts); `undefined` when it does not exist. Idempotent.
   */
  async markObservation(
    incidentId: string,
    mark: { readonly kind: 'unobserved'; readonly since: string } | { readonly kind: 'observed' },
  ): Promise<DashboardIncident | undefined> {
    return this.change(incidentId, mark.kind, (prev) =>
      mark.kind === 'unobserved' ? markUnobserved(prev, mark.since) : markObserved(prev),
    );
  }

  /** Compare-and-set of a change that is no CloudEvent (no `seen` marker); published when it changed something. */
  private async change(
    incidentId: string,
    change: 'acknowledged' | 'unobserved' | 'observed',
    next: (prev: DashboardIncident) => DashboardIncident,
  ): Promise<DashboardIncident | undefined> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const prev = await this.getIncident(incidentId);
      if (!prev) return undefined;
      const rec = next(prev);
      if (rec === prev) return prev;
      const res = await this.writeIncident(rec, prev.rev, this.keys.seen(`${change}:${incidentId}`), '');
      if (res === 'ok') {
        await this.publish({ type: 'incident', change, alert: false, record: rec });
        return rec;
      }
    }
    throw new RetryableError(`incident ${incidentId}: too many concurrent writers; retry`);
  }

  private async writeIncident(
    rec: DashboardIncident,
    expectedRev: number,
    seenKey: string,
    seenTtl: string,
  ): Promise<'ok' | 'dup' | 'conflict'> {
    const k = this.keys;
    return this.scripts.putIncident(
      { incidents: k.incidents, byTime: k.incidentsByTime, open: k.open, seen: seenKey },
      {
        incidentId: rec.incidentId,
        expectedRev,
        json: JSON.stringify(rec),
        score: Date.parse(rec.openedAt),
        state: rec.state,
        seenTtl,
        maxIncidents: this.opts.maxIncidents,
      },
    );
  }

  /** Stores a verdict once per event id; false for a redelivery. */
  async addVerdict(eventId: string, data: VerdictCreated, receivedAt: string): Promise<boolean> {
    const verdict: StoredVerdict = { ...data, eventId, receivedAt, analyzedAtMs: Date.parse(data.analyzedAt) };
    const k = this.keys;
    const stored = await this.scripts.addVerdict(
      { seen: k.seen(eventId), verdicts: k.verdicts, counts: k.verdictCounts, cameraVerdicts: k.cameraVerdicts },
      {
        json: JSON.stringify(verdict),
        cap: this.opts.recentVerdicts,
        status: data.status,
        seenTtl: this.seenTtl,
        cameraId: data.cameraId,
        analyzedAtMs: verdict.analyzedAtMs,
      },
    );
    if (stored === 1) await this.publish({ type: 'verdict', verdict });
    return stored === 1;
  }

  /** Stores a camera.* event once per event id (older-than-stored events are kept out); false for a redelivery. */
  async putCamera(eventId: string, data: CameraStatusEvent): Promise<boolean> {
    const atMs = Date.parse(data.at);
    const res = await this.scripts.putCamera(
      { seen: this.keys.seen(eventId), cameras: this.keys.cameraEvents },
      { cameraId: data.cameraId, json: JSON.stringify({ ...data, atMs }), atMs, seenTtl: this.seenTtl },
    );
    if (res === 1) await this.publish({ type: 'camera', cameraId: data.cameraId, status: data.status, at: data.at });
    return res !== 0;
  }

  async getIncident(id: string): Promise<DashboardIncident | undefined> {
    return parse<DashboardIncident>(await this.redis.hget(this.keys.incidents, id));
  }

  /**
   * At most `limit` incidents, newest (by openedAt) first: every open one first (up to `limit`),
   * then the newest to fill up. Bounded (issue #18.2): the rest is read with {@link pageIncidents}.
   */
  async listIncidents(limit: number): Promise<DashboardIncident[]> {
    const [newest, open] = await Promise.all([
      this.redis.zrevrange(this.keys.incidentsByTime, 0, limit - 1),
      this.redis.srandmember(this.keys.open, limit),
    ]);
    const ids = [...new Set([...open, ...newest])].slice(0, limit);
    if (ids.length === 0) return [];
    const rows = await this.redis.hmget(this.keys.incidents, ...ids);
    return rows
      .map((r) => parse<DashboardIncident>(r))
      .filter((r): r is DashboardIncident => r !== undefined)
      .sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt));
  }

  /** One page of every stored incident, newest (by openedAt) first, and how many there are. */
  async pageIncidents(offset: number, limit: number): Promise<{ incidents: DashboardIncident[]; total: number }> {
    const [ids, total] = await Promise.all([
      this.redis.zrevrange(this.keys.incidentsByTime, offset, offset + limit - 1),
      this.redis.zcard(this.keys.incidentsByTime),
    ]);
    if (ids.length === 0) return { incidents: [], total };
    const rows = await this.redis.hmget(this.keys.incidents, ...ids);
    return {
      incidents: rows.map((r) => parse<DashboardIncident>(r)).filter((r): r is DashboardIncident => r !== undefined),
      total,
    };
  }

  async incidentCount(): Promise<number> {
    return this.redis.zcard(this.keys.incidentsByTime);
  }

  /** Every open incident. */
  async openIncidents(): Promise<DashboardIncident[]> {
    const ids = await this.redis.smembers(this.keys.open);
    if (ids.length === 0) return [];
    const rows = await this.redis.hmget(this.keys.incidents, ...ids);
    return rows
      .map((r) => parse<DashboardIncident>(r))
      .filter((r): r is DashboardIncident => r !== undefined && r.state === 'open');
  }

  async recentVerdicts(limit: number): Promise<StoredVerdict[]> {
    const rows = await this.redis.lrange(this.keys.verdicts, 0, limit - 1);
    return rows.map((r) => JSON.parse(r) as StoredVerdict);
  }

  /** Raw counter inputs. Throughput comes from the verdict stream (ids are ms timestamps); without a stream, from our own list. */
  async counterInputs(
    now: number,
    open: readonly DashboardIncident[],
    cameras: { online: number; total: number },
  ): Promise<CounterInputs> {
    const since = now - 60_000;
    const [pipeline, streamExists, counts] = await Promise.all([
      readPipeline(this.redis, this.keys.pipeline),
      this.redis.exists(this.keys.verdictStream),
      this.redis.hgetall(this.keys.verdictCounts),
    ]);
    let verdictsLastMinute: number;
    if (streamExists) {
      const entries = (await this.redis.xrange(
        this.keys.verdictStream,
        `${since}-0`,
        '+',
        'COUNT',
        100_000,
      )) as unknown[];
      verdictsLastMinute = entries.length;
    } else {
      const recent = await this.recentVerdicts(this.opts.recentVerdicts);
      verdictsLastMinute = recent.filter((v) => Date.parse(v.receivedAt) >= since).length;
    }
    return {
      queueDepth: pipeline.queueDepth,
      inFlight: pipeline.inFlight,
      localReplicas: pipeline.localReplicas,
      verdictsLastMinute,
      verdictsByStatus: counts,
      openIncidents: pipeline.openIncidents,
      unacknowledged: open.filter((i) => !i.acknowledgedAt).length,
      camerasOnline: cameras.online,
      camerasTotal: cameras.total,
    };
  }

  /** Status reports per camera: capture's hash and the camera.* events we received. */
  async cameraReports(): Promise<Map<string, StatusReport[]>> {
    const [capture, events] = await Promise.all([
      this.redis.hgetall(this.keys.captureCameras),
      this.redis.hgetall(this.keys.cameraEvents),
    ]);
    const out = new Map<string, StatusReport[]>();
    for (const hash of [capture, events]) {
      for (const [id, json] of Object.entries(hash)) {
        const report = parseStatusReport(json);
        if (report) out.set(id, [...(out.get(id) ?? []), report]);
      }
    }
    return out;
  }

  async lastVerdicts(): Promise<
    Map<string, { status: VerdictStatus; analyzedAt: string; summary: string; receivedAt: string }>
  > {
    const hash = await this.redis.hgetall(this.keys.cameraVerdicts);
    return new Map(
      Object.entries(hash).map(([id, json]) => {
        const v = JSON.parse(json) as StoredVerdict;
        return [id, { status: v.status, analyzedAt: v.analyzedAt, summary: v.summary, receivedAt: v.receivedAt }];
      }),
    );
  }

  private async publish(update: StoreUpdate): Promise<void> {
    await this.redis.publish(this.keys.updates, JSON.stringify(update));
  }
}
