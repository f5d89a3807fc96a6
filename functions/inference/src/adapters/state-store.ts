import path from 'node:path';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../shared/src/keys';
import { lua, luaReply, luaScripts } from '../../../shared/src/lua';
import {
  INCIDENT_TYPES,
  type CameraState,
  type Incident,
  type IncidentType,
  type WindowEntry,
} from '../core/incidents';

/** commit-6: [1] committed, [0] CAS conflict, [2, outcome] already committed (replay). */
type CommitReply = [status: number, outcome?: string];

const loadScripts = luaScripts('inference', path.join(__dirname, 'lua'), {
  'commit-6': lua({
    keys: ['marker', 'outcome', 'verdicts', 'incidents', 'windows', 'incidentClips'],
    args: [
      'markerValue',
      'outcome',
      'markerTtlSeconds',
      'verdictsMaxLen',
      'verdictJson',
      'jobId',
      'cameraId',
      'expectedWindow',
      'nextWindow',
      'evidenceClip',
      'tripletCount',
      'replayTtlSeconds',
    ],
    /** (field, expected or '', new value) per changed incident, from ARGV[13] */
    restArgs: 'triplets',
    reply: (raw): CommitReply => {
      const [status, outcome] = luaReply.array(raw);
      return outcome === undefined ? [Number(status)] : [Number(status), outcome as string];
    },
  }),
});

/** A camera's engine state as read, plus the exact strings read (the compare-and-set expectations). */
export interface LoadedCamera {
  state: CameraState;
  rawWindow: string;
  rawIncidents: Partial<Record<IncidentType, string>>;
}

export interface CommitInput {
  /** Marker proving this job/event was committed (verdicts:done:<jobId> for verdicts). */
  markerKey: string;
  markerValue: string;
  /** Life of the marker (capture's retention needs it to outlive the clip). */
  markerTtlSeconds: number;
  outcomeKey: string;
  outcome: string;
  /** Verdict JSON for the stream; undefined for camera status events. */
  verdictJson: string | undefined;
  jobId: string;
  loaded: LoadedCamera;
  next: CameraState;
  /** Clip path to keep as incident evidence. */
  evidenceClip: string | undefined;
}

export type CommitResult = { status: 'committed' } | { status: 'conflict' } | { status: 'replay'; outcome: string };

const field = (cameraId: string, type: IncidentType) => `${cameraId}:${type}`;

/**
 * Redis side of verdicts and incident state. `commit` is one Lua script: at most once per
 * marker (a job processed twice after a crash yields one verdict), and compare-and-set on the
 * camera's state (pods judging one camera concurrently never lose an update: on conflict the
 * caller re-reads and re-applies the pure engine).
 */
export class StateStore {
  private readonly scripts: ReturnType<typeof loadScripts>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly opts: { verdictsMaxLen: number; replayTtlSeconds: number },
  ) {
    this.scripts = loadScripts(redis);
  }

  /** Where a committed job's outcome (the events it publishes) is kept for replay. */
  outcomeKey(markerId: string): string {
    return this.keys.inferenceOutcome(markerId);
  }

  /** Marker key of a camera status event (offline/online), by CloudEvent id. */
  cameraEventMarker(eventId: string): string {
    return this.keys.inferenceCameraEvent(eventId);
  }

  /** Reads one camera's window and incidents, keeping the raw strings as CAS expectations. */
  async loadCamera(cameraId: string): Promise<LoadedCamera> {
    const [rawWindow, values] = await Promise.all([
      this.redis.hget(this.keys.incidentWindows, cameraId),
      this.redis.hmget(this.keys.incidents, ...INCIDENT_TYPES.map((t) => field(cameraId, t))),
    ]);
    const rawIncidents: Partial<Record<IncidentType, string>> = {};
    const incidents: Partial<Record<IncidentType, Incident>> = {};
    INCIDENT_TYPES.forEach((t, i) => {
      const v = values[i];
      if (v) {
        rawIncidents[t] = v;
        incidents[t] = JSON.parse(v) as Incident;
      }
    });
    // the camera's newest verdict time travels with its window (issue #28.4: how long it was silent)
    const stored = rawWindow
      ? (JSON.parse(rawWindow) as { window: WindowEntry[]; lastVerdictAtMs?: number })
      : undefined;
    const state: CameraState = { window: stored?.window ?? [], incidents };
    if (stored?.lastVerdictAtMs !== undefined) state.lastVerdictAtMs = stored.lastVerdictAtMs;
    return { state, rawWindow: rawWindow ?? '', rawIncidents };
  }

  /** The stored outcome of a committed job, or null. */
  async outcomeOf(markerKey: string, outcomeKey: string): Promise<string | null> {
    const [done, outcome] = await Promise.all([this.redis.exists(markerKey), this.redis.get(outcomeKey)]);
    return done ? (outcome ?? '') : null;
  }

  /**
   * Commits a verdict / camera event and the camera's next state in one script: `replay` when
   * the marker exists, `conflict` when the state changed since `loadCamera` (re-read, re-apply).
   */
  async commit(input: CommitInput, cameraId: string): Promise<CommitResult> {
    const { loaded, next } = input;
    const windowJson = (c: CameraState) =>
      JSON.stringify(
        c.lastVerdictAtMs === undefined
          ? { window: c.window }
          : { window: c.window, lastVerdictAtMs: c.lastVerdictAtMs },
      );
    const nextWindow = windowJson(next);
    const triplets: string[] = [];
    for (const t of INCIDENT_TYPES) {
      const after = next.incidents[t];
      if (!after) continue;
      const value = JSON.stringify(after);
      const before = loaded.rawIncidents[t] ?? '';
      if (value !== before) triplets.push(field(cameraId, t), before, value);
    }
    const res = await this.scripts.commit(
      {
        marker: input.markerKey,
        outcome: input.outcomeKey,
        verdicts: this.keys.verdicts,
        incidents: this.keys.incidents,
        windows: this.keys.incidentWindows,
        incidentClips: this.keys.incidentClips,
      },
      {
        markerValue: input.markerValue,
        outcome: input.outcome,
        markerTtlSeconds: input.markerTtlSeconds,
        verdictsMaxLen: this.opts.verdictsMaxLen,
        verdictJson: input.verdictJson ?? '',
        jobId: input.jobId,
        cameraId,
        expectedWindow: loaded.rawWindow,
        nextWindow: nextWindow === windowJson(loaded.state) ? '' : nextWindow,
        evidenceClip: input.evidenceClip ?? '',
        tripletCount: triplets.length / 3,
        replayTtlSeconds: this.opts.replayTtlSeconds,
        triplets,
      },
    );
    if (res[0] === 2) return { status: 'replay', outcome: res[1] ?? '' };
    return res[0] === 1 ? { status: 'committed' } : { status: 'conflict' };
  }

  /** True when this CloudEvent id was delivered already (so a replay does not send it twice). */
  async wasPublished(eventId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.inferencePublished(eventId))) === 1;
  }

  /** Remembers a delivered CloudEvent id (after its 2xx) for the marker TTL. */
  async markPublished(eventId: string): Promise<void> {
    await this.redis.set(this.keys.inferencePublished(eventId), '1', 'EX', this.opts.replayTtlSeconds);
  }
}
