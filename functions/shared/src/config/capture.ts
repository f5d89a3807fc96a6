import { z } from 'zod';
import { envVar, int, optional, type Section } from './define';

/** Variables owned by capture (recorder, ownership, health, retention). */
export const capture = {
  rtspTransport: envVar('RTSP_TRANSPORT', {
    schema: z.enum(['tcp', 'udp']), default: 'tcp', expected: 'tcp|udp',
    doc: 'RTSP transport of the recorder (the local rtsp-sim server speaks UDP only: `npm start` sets udp)',
  }),
  rtspTimeoutSeconds: envVar('RTSP_TIMEOUT_SECONDS', {
    schema: int(1, 600), default: '5', expected: 'an integer number of seconds', doc: 'socket timeout; ffmpeg exits when the stream stalls this long',
  }),
  maxCameras: envVar('CAPTURE_MAX_CAMERAS', {
    schema: int(1, 1000), default: '100', expected: 'an integer 1–1000', doc: 'lease mode: most cameras one replica records',
  }),
  leaseTtlSeconds: envVar('CAMERA_LEASE_TTL_SECONDS', {
    schema: int(2, 600), default: '15', expected: 'an integer number of seconds', doc: 'lease mode: a dead replica’s cameras are taken over after this',
  }),
  offlineSeconds: envVar('CAMERA_OFFLINE_SECONDS', {
    schema: int(1, 86400), default: '20', expected: 'an integer number of seconds', doc: '`camera.offline` after this long without a clip',
  }),
  clipRetentionSeconds: envVar('CLIP_RETENTION_SECONDS', {
    schema: int(0), default: '3600', expected: 'an integer number of seconds', doc: 'clips judged safe are deleted after this',
  }),
  incidentRetentionDays: envVar('INCIDENT_RETENTION_DAYS', {
    schema: int(0), default: '30', expected: 'an integer number of days', doc: 'clips tied to an incident are kept this long',
  }),
  clipsMaxBytes: envVar('CLIPS_MAX_BYTES', {
    schema: optional(int(1)), expected: 'an integer number of bytes', doc: 'disk cap of CLIPS_DIR; oldest clips are evicted first (never queued ones); unset = no cap',
  }),
} satisfies Section;
