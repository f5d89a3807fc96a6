import { redisKeys } from '../../../shared/src/keys';
import type { PipelineKeys } from '../../../shared/src/pipeline-readings';

/** Every Redis key the alerts function uses, under names local to it: each is a named field of the shared `redisKeys`. */
export interface AlertKeys {
  /** HASH incidentId → DashboardIncident JSON. */
  readonly incidents: string;
  /** ZSET incidentId by openedAt (ms). */
  readonly incidentsByTime: string;
  /** SET of open incident ids. */
  readonly open: string;
  /** LIST of recent verdicts, newest first (capped at ALERTS_RECENT_VERDICTS). */
  readonly verdicts: string;
  /** HASH status → verdicts received. */
  readonly verdictCounts: string;
  /** HASH cameraId → latest verdict JSON. */
  readonly cameraVerdicts: string;
  /** HASH cameraId → latest camera.* event JSON (capture's own hash is read, never written). */
  readonly cameraEvents: string;
  /** Pub/sub channel carrying updates to every replica's browsers. */
  readonly updates: string;
  /** STRING with TTL marking a CloudEvent id as stored. */
  seen(eventId: string): string;
  /** Shared keys read by the dashboard: capture's camera hash, the clip queue, the verdict stream. */
  readonly captureCameras: string;
  readonly clipQueue: string;
  /** The queue's claimed zset (KEDA's in-flight trigger). */
  readonly clipsClaimed: string;
  /** `npm start`'s inference replicas (desired, running, reason), when a local stack runs. */
  readonly stackReplicas: string;
  readonly verdictStream: string;
  /** The keys of the shared pipeline readings (queue, in flight, dead letters, open incidents, replicas). */
  readonly pipeline: PipelineKeys;
}

/** Builds the alerts function's keys under `prefix` (long event ids are hashed, in keys.ts, to keep keys short). */
export function alertKeys(prefix: string): AlertKeys {
  const k = redisKeys(prefix);
  return {
    incidents: k.alerts,
    incidentsByTime: k.alertsByTime,
    open: k.alertsOpen,
    verdicts: k.alertsVerdicts,
    verdictCounts: k.alertsVerdictCounts,
    cameraVerdicts: k.alertsCameraVerdicts,
    cameraEvents: k.alertsCameraEvents,
    updates: k.alertsUpdates,
    seen: (eventId) => k.alertsSeen(eventId),
    captureCameras: k.cameras,
    clipQueue: k.clips,
    clipsClaimed: k.claimed,
    stackReplicas: k.stackReplicas,
    verdictStream: k.verdicts,
    pipeline: k,
  };
}
