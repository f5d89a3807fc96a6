import { z } from 'zod';
import { boolVar, envVar, int, optional, type Section } from './define';
import { parseCredentialsKey } from '../camera-registry/credentials';

/** Variables owned by capture (recorder, ownership, health, retention). */
export const capture = {
  rtspTransport: envVar('RTSP_TRANSPORT', {
    schema: z.enum(['tcp', 'udp', 'auto']),
    default: 'tcp',
    expected: 'tcp|udp|auto',
    doc: 'RTSP transport of cameras whose registry entry sets none (`auto` = UDP, then TCP after a 461); the local rtsp-sim cameras are seeded with `udp` by `npm start`',
  }),
  credentialsKey: envVar('CAMERA_CREDENTIALS_KEY', {
    schema: optional(
      z
        .string()
        .transform(
          (t, ctx) => parseCredentialsKey(t) ?? (ctx.addIssue({ code: 'custom', message: '32 bytes' }), z.NEVER),
        ),
    ),
    expected: '32 bytes as base64 (44 characters) or hex (64)',
    doc: 'seals camera passwords in the registry (AES-256-GCM, from a Secret): alerts seals what an admin sends, capture opens it; unset = a camera URL with a password is refused (docs/deploy.md)',
  }),
  rtspTimeoutSeconds: envVar('RTSP_TIMEOUT_SECONDS', {
    schema: int(1, 600),
    default: '5',
    expected: 'an integer number of seconds',
    doc: 'socket timeout; ffmpeg exits when the stream stalls this long',
  }),
  maxCameras: envVar('CAPTURE_MAX_CAMERAS', {
    schema: int(1, 1000),
    default: '100',
    expected: 'an integer 1–1000',
    doc: 'lease mode: most cameras one replica records',
  }),
  leaseTtlSeconds: envVar('CAMERA_LEASE_TTL_SECONDS', {
    schema: int(2, 600),
    default: '15',
    expected: 'an integer number of seconds',
    doc: 'lease mode: a dead replica’s cameras are taken over after this',
  }),
  handoffTimeoutSeconds: envVar('CAPTURE_HANDOFF_TIMEOUT_SECONDS', {
    schema: int(0, 600),
    default: '20',
    expected: 'an integer number of seconds (0 = off)',
    doc: 'lease mode, on SIGTERM while another capture replica is live: keep recording each camera until its new owner has handed its first clip to the intake, at most this long, then stop (make-before-break: a rolling update loses no judged time); keep it below the pod’s terminationGracePeriodSeconds minus ~10 s; 0 = stop at once',
  }),
  offlineSeconds: envVar('CAMERA_OFFLINE_SECONDS', {
    schema: int(1, 86400),
    default: '20',
    expected: 'an integer number of seconds',
    doc: '`camera.offline` after this long without a clip',
  }),
  clipRetentionSeconds: envVar('CLIP_RETENTION_SECONDS', {
    schema: int(0),
    default: '3600',
    expected: 'an integer number of seconds',
    doc: 'clips judged safe are deleted after this',
  }),
  incidentRetentionDays: envVar('INCIDENT_RETENTION_DAYS', {
    schema: int(0),
    default: '30',
    expected: 'an integer number of days',
    doc: 'clips tied to an incident are kept this long',
  }),
  clipsMaxBytes: envVar('CLIPS_MAX_BYTES', {
    schema: optional(int(1)),
    expected: 'an integer number of bytes',
    doc: 'disk cap of CLIPS_DIR; oldest clips are evicted first (never queued ones); unset = no cap',
  }),
  staggerMs: envVar('CAPTURE_STAGGER_MS', {
    schema: int(0, 60000),
    default: '300',
    expected: 'milliseconds 0–60000',
    doc: 'delay between starting two recorders (a start-up CPU spike makes the UDP RTSP server drop packets; docs/architecture.md §5)',
  }),
  respawnMaxSeconds: envVar('CAPTURE_RESPAWN_MAX_SECONDS', {
    schema: int(1, 3600),
    default: '30',
    expected: 'an integer number of seconds',
    doc: 'cap of the backoff before a dead ffmpeg is respawned',
  }),
  retentionIntervalSeconds: envVar('CLIP_RETENTION_INTERVAL_SECONDS', {
    deprecatedNames: ['RETENTION_INTERVAL_SECONDS'],
    schema: int(1, 86400),
    default: '60',
    expected: 'an integer number of seconds',
    doc: 'how often the retention sweep runs (one replica at a time, by a Redis lock)',
  }),
  replicaId: envVar('CAPTURE_REPLICA_ID', {
    schema: optional(z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/)),
    expected: 'letters, digits, _ . - (≤128)',
    doc: 'lease owner name of this replica; unset = `<hostname>-<pid>-<random>`',
  }),
  modelClip: boolVar('MODEL_CLIP', {
    default: 'true',
    doc: 'the recorder’s ffmpeg also writes the sampled, scaled model clip and 32×18 gray thumbnails beside each evidence clip (`<cam>/.model/`), at VIDEO_SAMPLING / VIDEO_FPS / VIDEO_MAX_SIDE (issue #13)',
  }),
} satisfies Section;

/**
 * Settings that are valid one by one but unwise together, checked by `startCapture` (which logs
 * each as a warning and goes on).
 */
export function captureStartWarnings(config: {
  readonly common: { readonly segmentSeconds: number };
  readonly capture: { readonly offlineSeconds: number };
}): string[] {
  const { offlineSeconds } = config.capture;
  const { segmentSeconds } = config.common;
  return offlineSeconds <= segmentSeconds
    ? [
        `CAMERA_OFFLINE_SECONDS=${offlineSeconds} ≤ SEGMENT_SECONDS=${segmentSeconds}: cameras will flap offline between clips; use at least 2 × SEGMENT_SECONDS`,
      ]
    : [];
}
