import type { Logger } from 'pino';
import type { Publisher } from '../../../shared/src/cloudevents';
import type { ClipJob } from '../../../shared/src/clip-job';
import { EventType, type EventData, type EventTypeName, type VerdictCreated } from '../../../shared/src/events';
import type { RedisKeys } from '../../../shared/src/keys';
import { planAlerts } from '../core/alerts';
import {
  applyCameraStatus,
  applyVerdict,
  type CameraStatusInput,
  type EngineResult,
  type IncidentPolicy,
} from '../core/incidents';
import type { Judgement } from './judge';
import type { InferenceMetrics } from '../adapters/metrics';
import type { LoadedCamera, StateStore } from '../adapters/state-store';

/** A CloudEvent as stored in a job's outcome: replayed verbatim (same id) after a crash. */
export interface StoredEvent {
  id: string;
  type: EventTypeName;
  cameraId: string;
  data: unknown;
  extensions?: Record<string, string>;
}

export interface Outcome {
  events: StoredEvent[];
}

export interface OutcomeDeps {
  store: StateStore;
  publisher: Publisher;
  keys: RedisKeys;
  policy: IncidentPolicy;
  model: string;
  metrics: InferenceMetrics;
  logger: Logger;
  /** Life of the done markers: a safe clip's (short: it is deleted soon) and any other's. */
  markerTtl: { safeSeconds: number; otherSeconds: number };
}

const MAX_CAS_ATTEMPTS = 100;

/**
 * Commits a state change at most once (Lua compare-and-set, re-applying the pure engine on a
 * conflict with another pod), then publishes its events. Returns the events of the first
 * commit when the marker existed already (a replay after a crash).
 */
async function commitOnce(
  deps: OutcomeDeps,
  markerKey: string,
  outcomeKey: string,
  jobId: string,
  cameraId: string,
  plan: (loaded: LoadedCamera) => {
    engine: EngineResult;
    events: StoredEvent[];
    markerValue: string;
    markerTtlSeconds: number;
    verdictJson?: string;
    evidence?: string;
  },
): Promise<{ events: StoredEvent[]; replay: boolean }> {
  for (let i = 0; i < MAX_CAS_ATTEMPTS; i++) {
    const loaded = await deps.store.loadCamera(cameraId);
    const p = plan(loaded);
    const outcome = JSON.stringify({ events: p.events } satisfies Outcome);
    const res = await deps.store.commit(
      {
        markerKey,
        markerValue: p.markerValue,
        markerTtlSeconds: p.markerTtlSeconds,
        outcomeKey,
        outcome,
        verdictJson: p.verdictJson,
        jobId,
        loaded,
        next: p.engine.state,
        evidenceClip: p.evidence,
      },
      cameraId,
    );
    if (res.status === 'committed') {
      for (const h of p.engine.suppressed) deps.metrics.suppressed.inc({ hazard: h });
      return { events: p.events, replay: false };
    }
    if (res.status === 'replay')
      return { events: res.outcome ? (JSON.parse(res.outcome) as Outcome).events : [], replay: true };
  }
  throw new Error(`incident state of camera ${cameraId} kept changing under ${MAX_CAS_ATTEMPTS} commit attempts`);
}

/** Publishes events not delivered yet; marks each after its 2xx so a replay skips it. */
export async function publishAll(deps: OutcomeDeps, events: readonly StoredEvent[]): Promise<void> {
  for (const e of events) {
    if (await deps.store.wasPublished(e.id)) continue;
    await deps.publisher.publish({
      type: e.type,
      cameraId: e.cameraId,
      data: e.data as EventData<typeof e.type>,
      id: e.id,
      ...(e.extensions ? { extensions: e.extensions } : {}),
    });
    await deps.store.markPublished(e.id);
    if (e.type !== EventType.verdictCreated) deps.metrics.alerts.inc({ type: e.type.replace('com.safetyhanta.', '') });
  }
}

/** Replays a committed job's events (after a crash between commit and ack). Null when not committed. */
export async function replayIfDone(deps: OutcomeDeps, jobId: string): Promise<StoredEvent[] | null> {
  const stored = await deps.store.outcomeOf(deps.keys.verdictDone(jobId), deps.store.outcomeKey(jobId));
  if (stored === null) return null;
  const events = stored ? (JSON.parse(stored) as Outcome).events : [];
  await publishAll(deps, events);
  return events;
}

/**
 * Stores a verdict (stream + done marker + incident state, one atomic step) and returns the
 * events to publish: `verdict.created`, then the alerts (those of the first commit on a replay).
 */
export async function commitVerdict(
  deps: OutcomeDeps,
  job: ClipJob,
  j: Judgement,
  analyzedAt: Date,
): Promise<{ verdict: VerdictCreated; events: StoredEvent[]; replay: boolean }> {
  const verdict: VerdictCreated = {
    jobId: job.id,
    cameraId: job.cameraId,
    clipPath: job.path,
    status: j.status,
    hazards: j.hazards,
    summary: j.summary,
    model: deps.model,
    capturedAt: job.startedAt,
    durationMs: job.durationMs,
    analyzedAt: analyzedAt.toISOString(),
    ...(j.reason ? { reason: j.reason } : {}),
    ...(j.skipped ? { skipped: 'unchanged' as const, repeats: j.skipped.repeats } : {}),
  };
  const result = await commitOnce(
    deps,
    deps.keys.verdictDone(job.id),
    deps.store.outcomeKey(job.id),
    job.id,
    job.cameraId,
    (loaded) => {
      const engine = applyVerdict(
        loaded.state,
        { jobId: job.id, cameraId: job.cameraId, status: j.status, hazards: j.hazards, nowMs: analyzedAt.getTime() },
        deps.policy,
      );
      const alerts = planAlerts(engine.transitions, { ...verdict });
      const incident = engine.transitions.some((t) => t.kind !== 'resolved');
      const events: StoredEvent[] = [
        { id: `${job.id}-verdict`, type: EventType.verdictCreated, cameraId: job.cameraId, data: verdict },
        ...alerts.map((a) => ({
          id: a.id,
          type: a.type,
          cameraId: a.cameraId,
          data: a.data,
          extensions: a.extensions,
        })),
      ];
      const safe = j.status === 'safe' && !incident;
      return {
        engine,
        events,
        markerValue: JSON.stringify({ status: j.status, incident }),
        verdictJson: JSON.stringify(verdict),
        markerTtlSeconds: safe ? deps.markerTtl.safeSeconds : deps.markerTtl.otherSeconds,
        ...(incident ? { evidence: job.path } : {}),
      };
    },
  );
  if (!result.replay) deps.metrics.verdicts.inc({ status: j.status });
  return { verdict, ...result };
}

/** `camera.offline` / `camera.online` → the camera_offline incident (deduplicated by event id). */
export async function applyCameraEvent(
  deps: OutcomeDeps,
  eventId: string,
  input: CameraStatusInput,
  analyzedAt: Date,
): Promise<StoredEvent[]> {
  const result = await commitOnce(
    deps,
    deps.store.cameraEventMarker(eventId),
    deps.store.outcomeKey(`camera-${eventId}`),
    eventId,
    input.cameraId,
    (loaded) => {
      const engine = applyCameraStatus(loaded.state, input);
      const at = new Date(input.atMs).toISOString();
      const summary =
        input.status === 'offline'
          ? `Camera ${input.cameraId} is offline: no clips are arriving.`
          : `Camera ${input.cameraId} is back online.`;
      const alerts = planAlerts(engine.transitions, {
        status: input.status === 'offline' ? 'warning' : 'safe',
        summary,
        clipPath: '',
        capturedAt: at,
        analyzedAt: analyzedAt.toISOString(),
        model: deps.model,
      });
      const events = alerts.map((a) => ({
        id: a.id,
        type: a.type,
        cameraId: a.cameraId,
        data: a.data,
        extensions: a.extensions,
      }));
      return {
        engine,
        events,
        markerValue: JSON.stringify({ status: input.status }),
        markerTtlSeconds: deps.markerTtl.safeSeconds,
      };
    },
  );
  await publishAll(deps, result.events);
  return result.events;
}
