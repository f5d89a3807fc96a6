import { ModelClipSchema } from './model-clip';
import { z } from 'zod';
import { ClipJobSchema } from './clip-job';
import { HazardSchema, VERDICT_STATUSES } from './verdict';
import { CameraEntrySchema } from './camera-registry/schema';
import { CameraIdSchema } from './camera-id';

/** docs/architecture.md §3.5 [contract]: every CloudEvent type, in one place. */
export const EventType = {
  clipRecorded: 'com.safetyhanta.clip.recorded',
  clipCaptured: 'com.safetyhanta.clip.captured',
  verdictCreated: 'com.safetyhanta.verdict.created',
  alertRaised: 'com.safetyhanta.alert.raised',
  alertUpdated: 'com.safetyhanta.alert.updated',
  alertResolved: 'com.safetyhanta.alert.resolved',
  cameraOffline: 'com.safetyhanta.camera.offline',
  cameraOnline: 'com.safetyhanta.camera.online',
  cameraUpdated: 'com.safetyhanta.camera.updated',
  /**
   * The escalation clock of the notify function: a Knative PingSource every minute (its default
   * type, `PingSourceEventType` in knative/eventing pkg/apis/sources/v1/ping_lifecycle.go);
   * `npm start` posts the same event (functions/notify, issue #24).
   */
  tick: 'dev.knative.sources.ping',
} as const;
export type EventTypeName = (typeof EventType)[keyof typeof EventType];

/**
 * The event types the alerts function takes: its Knative Triggers (knative/eventing.yaml), the
 * local broker's routes to it (scripts/stack/broker.ts) and what its handler accepts.
 */
export const ALERTS_EVENT_TYPES: readonly EventTypeName[] = [
  EventType.alertRaised,
  EventType.alertUpdated,
  EventType.alertResolved,
  EventType.verdictCreated,
  EventType.cameraOffline,
  EventType.cameraOnline,
];

const cameraId = CameraIdSchema;
const isoTime = z.iso.datetime({ offset: true }).max(64);

/**
 * Upper bounds on every string and array (issue #18.2): ten alerts with 5 MB summaries made
 * every `/api/state` 50 MB. Generous against what we produce (the model's summary ≤ 4000
 * chars, ≤ 32 hazards: verdict.ts), tight against abuse. The body limit (MAX_BODY_BYTES)
 * bounds the whole event before any of this is parsed.
 */
const LIMITS = { id: 256, path: 1024, text: 8000, name: 256, hazards: 32 } as const;
const id = z.string().min(1).max(LIMITS.id);
const text = z.string().max(LIMITS.text);
const name = z.string().max(LIMITS.name);

/** A finished clip on the shared volume (from our recorder or an outside source such as an NVR export). */
export const ClipRecordedSchema = z.looseObject({
  cameraId,
  path: z.string().min(1).max(1024),
  startedAt: isoTime,
  durationMs: z.number().int().nonnegative().optional(),
  bytes: z.number().int().nonnegative().optional(),
  // No `origin` here: whether a clip comes from our own recorder is never taken from the network
  // (issue #18.1); the recorder says so in-process (ClipIntake.take's second argument).
  /** When the segmenter closed the clip (segment-lag metric). */
  endedAt: isoTime.optional(),
  /**
   * The model clip made beside it (issue #13). frames/fps are optional here: the intake reads
   * them from the model clip's own header, whatever the sender says.
   */
  model: ModelClipSchema.partial({ frames: true, fps: true }).optional(),
});

export const ClipCapturedSchema = ClipJobSchema;

export const VerdictCreatedSchema = z.looseObject({
  jobId: id,
  cameraId,
  clipPath: z.string().min(1).max(LIMITS.path),
  status: z.enum([...VERDICT_STATUSES, 'uncertain']),
  hazards: z.array(HazardSchema).max(LIMITS.hazards),
  summary: text,
  model: name,
  capturedAt: isoTime,
  analyzedAt: isoTime,
  /** Why a verdict is `uncertain` (schema broken twice, …). */
  reason: text.optional(),
  /** Set when the unchanged-scene gate stored this verdict without a model request (issue #13). */
  skipped: z.literal('unchanged').optional(),
  /** With `skipped`: the jobId of the judged clip this one repeats. */
  repeats: id.optional(),
  /** The clip's length: with `capturedAt`, the window of video this verdict judged (coverage, issue #26.7). */
  durationMs: z.number().int().nonnegative().optional(),
});

/** `reason` of an `alert.resolved` (docs/architecture.md §3.5). */
export const RESOLVE_REASONS = ['unobserved'] as const;
export type ResolveReason = (typeof RESOLVE_REASONS)[number];

export const AlertSchema = z.looseObject({
  incidentId: id,
  cameraId,
  /** The latest verdict status for this incident (`safe` on resolve). */
  status: z.enum([...VERDICT_STATUSES, 'uncertain']),
  state: z.enum(['open', 'resolved']),
  severity: z.enum(['warning', 'danger']),
  hazardType: z.string().min(1).max(64),
  hazards: z.array(HazardSchema).max(LIMITS.hazards),
  summary: text,
  clipPath: z.string().max(LIMITS.path),
  capturedAt: isoTime,
  analyzedAt: isoTime,
  model: name,
  openedAt: isoTime,
  resolvedAt: isoTime.optional(),
  clipCount: z.number().int().nonnegative().optional(),
  /**
   * Why it resolved, when not by the engine's clean clips or a camera's return (issue #28.4):
   * `unobserved` = its camera produced no verdict for the set time (offline, removed, stack stopped).
   */
  reason: z.enum(RESOLVE_REASONS).optional(),
});

export const CameraStatusEventSchema = z.looseObject({
  cameraId,
  status: z.enum(['online', 'offline']),
  at: isoTime,
  lastClipAt: isoTime.optional(),
  owner: name.optional(),
  reason: text.optional(),
});

/** A registry entry was created, changed or deleted (the alerts API publishes it; capture and inference apply it). */
export const CameraUpdatedSchema = z.looseObject({
  cameraId,
  change: z.enum(['created', 'updated', 'deleted']),
  entry: CameraEntrySchema.optional(),
  at: isoTime,
});

/** The PingSource's fixed `data` (knative/notify/pingsource.yaml); any or none is accepted. */
export const TickSchema = z.looseObject({ tick: z.string().max(64).optional() }).optional();

export const EventDataSchemas = {
  [EventType.clipRecorded]: ClipRecordedSchema,
  [EventType.clipCaptured]: ClipCapturedSchema,
  [EventType.verdictCreated]: VerdictCreatedSchema,
  [EventType.alertRaised]: AlertSchema,
  [EventType.alertUpdated]: AlertSchema,
  [EventType.alertResolved]: AlertSchema,
  [EventType.cameraOffline]: CameraStatusEventSchema,
  [EventType.cameraOnline]: CameraStatusEventSchema,
  [EventType.cameraUpdated]: CameraUpdatedSchema,
  [EventType.tick]: TickSchema,
} as const;

export type ClipRecorded = z.infer<typeof ClipRecordedSchema>;
export type VerdictCreated = z.infer<typeof VerdictCreatedSchema>;
export type AlertData = z.infer<typeof AlertSchema>;
export type CameraStatusEvent = z.infer<typeof CameraStatusEventSchema>;
export type CameraUpdated = z.infer<typeof CameraUpdatedSchema>;
export type EventData<T extends EventTypeName> = z.infer<(typeof EventDataSchemas)[T]>;

/** `source` is `/cameras/<cameraId>` (docs/architecture.md §3.5). */
export function cameraSource(id: string): string {
  return `/cameras/${id}`;
}
