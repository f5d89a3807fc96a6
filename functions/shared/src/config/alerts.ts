import { z } from 'zod';
import { envVar, int, optional, type Section } from './define';

/** Variables owned by the alerts function (store + dashboard). */
export const alerts = {
  recentVerdicts: envVar('ALERTS_RECENT_VERDICTS', {
    schema: int(10, 100000), default: '500', expected: 'an integer ≥ 10', doc: 'recent verdicts kept for the dashboard',
  }),
  maxIncidents: envVar('ALERTS_MAX_INCIDENTS', {
    schema: int(10, 1000000), default: '5000', expected: 'an integer ≥ 10',
    doc: 'incidents kept in Redis; beyond it the oldest are dropped (open ones are always shown)',
  }),
  pollMs: envVar('ALERTS_POLL_MS', {
    schema: int(200, 60000), default: '2000', expected: 'milliseconds, 200–60000',
    doc: 'how often the dashboard counters (queue depth, throughput, cameras, latest clips) are refreshed and pushed',
  }),
  heartbeatMs: envVar('ALERTS_SSE_HEARTBEAT_MS', {
    schema: int(1000, 300000), default: '15000', expected: 'milliseconds, 1000–300000',
    doc: 'interval of the SSE heartbeat comment on /api/stream (keeps proxies from closing idle streams)',
  }),
  thumbIntervalMs: envVar('ALERTS_THUMB_INTERVAL_MS', {
    schema: int(0, 3600000), default: '10000', expected: 'milliseconds, 0–3600000',
    doc: 'a camera tile’s thumbnail moves to a newer clip at most this often (each move costs one ffmpeg run, ≈0.09 CPU-s)',
  }),
  ffmpegPath: envVar('ALERTS_FFMPEG', {
    schema: z.string().min(1), default: 'ffmpeg', expected: 'an executable name or path', doc: 'ffmpeg used to extract camera thumbnails',
  }),
  adminToken: envVar('ALERTS_ADMIN_TOKEN', {
    schema: optional(z.string().min(16)), expected: 'a secret of at least 16 characters',
    doc: 'bearer token for camera/zone writes (PUT/PATCH/DELETE /api/cameras); unset = writes refused. From a Secret',
  }),
  kedaListLength: envVar('KEDA_LIST_LENGTH', {
    schema: int(1, 100000), default: '8', expected: 'an integer ≥ 1', doc: 'queued clips per inference replica (same as the ScaledObject’s listLength)',
  }),
  kedaActivationListLength: envVar('KEDA_ACTIVATION_LIST_LENGTH', {
    schema: int(0, 100000), default: '0', expected: 'an integer ≥ 0',
    doc: 'activationListLength of the ScaledObject’s redis trigger (KEDA’s default is 0)',
  }),
  kedaMinReplicas: envVar('KEDA_MIN_REPLICAS', { schema: int(0, 1000), default: '1', expected: 'an integer ≥ 0', doc: 'minReplicaCount of the ScaledObject' }),
  kedaMaxReplicas: envVar('KEDA_MAX_REPLICAS', { schema: int(1, 1000), default: '8', expected: 'an integer ≥ 1', doc: 'maxReplicaCount of the ScaledObject' }),
} satisfies Section;
