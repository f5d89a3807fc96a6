import { createHash } from 'node:crypto';

/**
 * The only module that builds Redis key names (docs/architecture.md §3.3 [contract]).
 * The KEDA manifests name the same queue list; a test checks they agree.
 */
export interface RedisKeys {
  /** LIST of pending clip jobs. Producers LPUSH, consumers BLMOVE RIGHT→LEFT. KEDA `listName`. */
  readonly clips: string;
  /** LIST of jobs one consumer has claimed and not yet acked. */
  processing(consumerId: string): string;
  /**
   * ZSET of claimed jobs (member sha1(raw entry), as in `attempts`; score = claim time, Redis
   * clock, ms). Written by the same queue scripts that move a job; its ZCARD is KEDA's
   * in-flight trigger (`listName` of the second redis trigger). Every member is in some
   * processing list (the reaper reconciles).
   */
  readonly claimed: string;
  /** Pattern matching every processing list (for the reaper's SCAN). */
  readonly processingPattern: string;
  /** LIST of jobs that failed for good, each wrapped with its reason. */
  readonly dead: string;
  /** STREAM of every verdict (MAXLEN ~). */
  readonly verdicts: string;
  /** HASH camera → status JSON. */
  readonly cameras: string;
  /** HASH cameraId → registry entry JSON (camera-registry/schema.ts): the cameras to record and their zones. */
  readonly cameraRegistry: string;
  /** SET of camera ids ever seeded from NUM_STREAMS/RTSP_URL_TEMPLATE (a deleted camera stays deleted). */
  readonly cameraRegistrySeeded: string;
  /** HASH cameraId → the entry exactly as seeded: while the registry still holds it, the seed may follow today's configuration (issue #28.4). */
  readonly cameraRegistrySeededAs: string;
  /** STRING counter, INCR on every registry change: readers compare it instead of re-reading the hash. */
  readonly cameraRegistryVersion: string;
  /** STRING with TTL: a capture replica's lease on one camera (lease mode). */
  cameraLease(cameraId: string): string;
  /**
   * STRING with TTL: the lease holder that handed its first clip of the camera to the intake; the
   * replica handing the camera over stops its recorder on seeing it (make-before-break, capture).
   */
  cameraHandoff(cameraId: string): string;
  /** STRING with TTL: a consumer is alive while this exists. */
  consumerHeartbeat(consumerId: string): string;
  /** SET of consumers that ever claimed; the reaper walks it. */
  readonly consumers: string;
  /** HASH jobId → attempts so far (survives requeue). */
  readonly attempts: string;
  /** HASH of queue counters (enqueued, dropped, acked, dead, reaped). */
  readonly queueStats: string;
  /** STRING with TTL: this clip id was enqueued once already (re-enqueue after a Redis restart is a no-op). */
  enqueued(jobId: string): string;
  /** STRING marker: a verdict for this job id was stored (idempotency across crashes). */
  verdictDone(jobId: string): string;
  /** HASH incidentKey → incident JSON (open incidents, engine state). */
  readonly incidents: string;
  /** HASH cameraId → incident-engine window state JSON. */
  readonly incidentWindows: string;
  /** HASH alertId → alert JSON, as stored by the alerts function. */
  readonly alerts: string;
  /** ZSET of alert ids by time, newest last. */
  readonly alertsByTime: string;
  /** SET of clip paths referenced by an incident (kept longer by retention). */
  readonly incidentClips: string;
  /** STRING (JSON, with TTL): the local stack's inference replicas — desired, running, reason (npm start's autoscaler). */
  readonly stackReplicas: string;
  /** HASH `<target kind>:<target id>:<feedback kind>` → operator feedback JSON (functions/shared/src/feedback.ts). */
  readonly feedback: string;
  /** SET of clip paths with operator feedback: capture's retention keeps them while marked. */
  readonly feedbackClips: string;
  /** SET of clip paths of incidents on legal hold (alerts' record, issue #25): capture's retention never deletes them. */
  readonly legalHoldClips: string;
  /** ZSET replica id → last heartbeat (ms): capture's live replicas (lease mode's fair share). */
  readonly cameraReplicas: string;
  /** STRING with PX ≈ the retention interval: one capture replica per interval runs the sweep (SET NX). */
  readonly retentionLock: string;
  /** STRING with TTL: the events a commit produced (by job id or event marker), re-published after a crash. */
  inferenceOutcome(markerId: string): string;
  /** STRING marker: a camera.offline/online event (by CloudEvent id) was committed by inference. */
  inferenceCameraEvent(eventId: string): string;
  /** STRING with TTL: inference delivered this CloudEvent id (2xx); skipped on replay. */
  inferencePublished(eventId: string): string;
  /** HASH cameraId → the last JUDGED clip's {jobId, status, at, thumbs} JSON: the unchanged-scene gate's reference (inference, issue #13). */
  readonly inferenceLastJudged: string;
  /** SET of open dashboard incident ids (alerts). */
  readonly alertsOpen: string;
  /** LIST of the dashboard's recent verdicts, newest first (alerts). */
  readonly alertsVerdicts: string;
  /** HASH status → verdicts received (alerts). */
  readonly alertsVerdictCounts: string;
  /** ZSET per camera: the windows of video judged (member `<startMs>-<endMs>`, score startMs; alerts, from verdict.created; issue #26.7). */
  coverageJudged(cameraId: string): string;
  /** ZSET per camera: why recording stopped (member `<atMs>:<cause>`, score atMs; capture, issue #26.7). */
  coverageMarks(cameraId: string): string;
  /** HASH cameraId → latest verdict JSON (alerts). */
  readonly alertsCameraVerdicts: string;
  /** HASH cameraId → latest camera.* event JSON (alerts; capture's `cameras` hash is read, never written). */
  readonly alertsCameraEvents: string;
  /** Pub/sub channel carrying the dashboard's stored changes to every alerts replica. */
  readonly alertsUpdates: string;
  /** STRING with TTL: the alerts function stored this CloudEvent id (ids over 128 characters are sha256-hashed). */
  alertsSeen(eventId: string): string;
  /** HASH deliveryId → pending delivery JSON (notify's durable outbox; functions/notify/src/adapters/delivery-queue.ts). */
  readonly notifyDeliveries: string;
  /** ZSET deliveryId → when it is due (ms); a claim moves it to now + lease, so a killed sender's claim comes back. */
  readonly notifyDue: string;
  /** STRING with TTL: this delivery id (sha256 of incident, transition, recipient) was queued once already (a redelivered event is a no-op). */
  notifyOnce(deliveryId: string): string;
  /** LIST of every send attempt (newest first, capped). */
  readonly notifyAttempts: string;
  /** LIST of dead-lettered deliveries (newest first, capped): "notification failed" on the dashboard. */
  readonly notifyDead: string;
  /** LIST of messages the built-in outbox channel "sent" (newest first, capped): the dashboard's outbox page. */
  readonly notifyOutbox: string;
  /** HASH incidentId → notify's state of the incident (severity told, recipients, escalation step). */
  readonly notifyIncidents: string;
  /** ZSET incidentId → when its next escalation step is due (ms). */
  readonly notifyEscalations: string;
  /** STRING with EX: a rule's cooldown for one camera and hazard (`scope` = sha256 of the three, so any id fits a key). */
  notifyCooldown(scope: string): string;
  /** HASH sha256(endpoint) → Web Push subscription JSON (the dashboard's PWA subscribes). */
  readonly notifyPushSubscriptions: string;
  /** HASH counter → count (queued, sent, retried, dead, duplicate). */
  readonly notifyStats: string;
  /** STREAM of every send attempt (field `attempt`: JSON), read by alerts with a consumer group into the record's notification_deliveries. */
  readonly notifyAttemptLog: string;
  /** STRING JSON: the rules notify loaded from its files, and its channel ids and kinds (no secrets); the dashboard's rule editor starts from it. */
  readonly notifyRulesBase: string;
  /** STRING JSON: an admin's rules from the dashboard (rev, by, at, timeZone, rules); while set, they replace the file's rules. */
  readonly notifyRulesEdit: string;
  /** STRING with EX: the daily report of this local date (YYYY-MM-DD) is being mailed (short lease) or was mailed (days); SET NX, so one replica mails it once. */
  notifyReportMailed(date: string): string;
  /** STRING counter with EX: attempts to mail this local date's report so far (the record numbers them). */
  notifyReportAttempts(date: string): string;
  /** STRING, expires with the session: a dashboard login ended by logout (alerts, issue #28.11). */
  alertsRevokedSession(sessionId: string): string;
}

export const DEFAULT_PREFIX = 'safety';

export function redisKeys(prefix: string = DEFAULT_PREFIX): RedisKeys {
  const k = (...parts: string[]) => [prefix, ...parts].join(':');
  return {
    clips: k('clips'),
    processing: (consumerId) => k('clips', 'processing', consumerId),
    claimed: k('clips', 'claimed'),
    processingPattern: k('clips', 'processing', '*'),
    dead: k('clips', 'dead'),
    verdicts: k('verdicts'),
    cameras: k('cameras'),
    cameraRegistry: k('cameras', 'registry'),
    cameraRegistrySeeded: k('cameras', 'registry', 'seeded'),
    cameraRegistrySeededAs: k('cameras', 'registry', 'seeded-as'),
    cameraRegistryVersion: k('cameras', 'registry', 'version'),
    cameraLease: (cameraId) => k('cameras', 'lease', cameraId),
    cameraHandoff: (cameraId) => k('cameras', 'handoff', cameraId),
    consumerHeartbeat: (consumerId) => k('consumers', 'heartbeat', consumerId),
    consumers: k('consumers'),
    attempts: k('clips', 'attempts'),
    queueStats: k('clips', 'stats'),
    enqueued: (jobId) => k('clips', 'enqueued', jobId),
    verdictDone: (jobId) => k('verdicts', 'done', jobId),
    incidents: k('incidents'),
    incidentWindows: k('incidents', 'windows'),
    alerts: k('alerts'),
    alertsByTime: k('alerts', 'by-time'),
    incidentClips: k('incidents', 'clips'),
    stackReplicas: k('stack', 'replicas'),
    feedback: k('feedback'),
    feedbackClips: k('feedback', 'clips'),
    legalHoldClips: k('record', 'hold', 'clips'),
    cameraReplicas: k('cameras', 'replicas'),
    retentionLock: k('capture', 'retention-lock'),
    inferenceOutcome: (markerId) => k('inference', 'outcome', markerId),
    inferenceCameraEvent: (eventId) => k('inference', 'camera-event', eventId),
    inferencePublished: (eventId) => k('inference', 'published', eventId),
    inferenceLastJudged: k('inference', 'last-judged'),
    alertsOpen: k('alerts', 'open'),
    alertsVerdicts: k('alerts', 'verdicts'),
    alertsVerdictCounts: k('alerts', 'verdict-counts'),
    alertsCameraVerdicts: k('alerts', 'camera-verdicts'),
    coverageJudged: (cameraId) => k('coverage', 'judged', cameraId),
    coverageMarks: (cameraId) => k('coverage', 'marks', cameraId),
    alertsCameraEvents: k('alerts', 'cameras'),
    alertsUpdates: k('alerts', 'updates'),
    alertsSeen: (eventId) =>
      k('alerts', 'seen', eventId.length <= 128 ? eventId : createHash('sha256').update(eventId).digest('hex')),
    notifyDeliveries: k('notify', 'deliveries'),
    notifyDue: k('notify', 'due'),
    notifyOnce: (deliveryId) => k('notify', 'once', deliveryId),
    notifyAttempts: k('notify', 'attempts'),
    notifyDead: k('notify', 'dead'),
    notifyOutbox: k('notify', 'outbox'),
    notifyIncidents: k('notify', 'incidents'),
    notifyEscalations: k('notify', 'escalations'),
    notifyCooldown: (scope) => k('notify', 'cooldown', scope),
    notifyPushSubscriptions: k('notify', 'push-subscriptions'),
    notifyStats: k('notify', 'stats'),
    notifyAttemptLog: k('notify', 'attempt-log'),
    notifyRulesBase: k('notify', 'rules-base'),
    notifyRulesEdit: k('notify', 'rules-edit'),
    notifyReportMailed: (date) => k('notify', 'report-mailed', date),
    notifyReportAttempts: (date) => k('notify', 'report-attempts', date),
    alertsRevokedSession: (sessionId) => k('alerts', 'revoked-session', sessionId),
  };
}
