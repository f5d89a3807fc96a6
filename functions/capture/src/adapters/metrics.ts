import { Counter, Gauge, Histogram, type Registry } from '../../../shared/src/metrics';

/** Capture's Prometheus metrics, all on the function's registry. */
export interface CaptureMetrics {
  clipsRecorded: Counter<'camera' | 'origin'>;
  clipBytes: Counter<'camera'>;
  segmentLag: Histogram;
  reconnects: Counter<'camera'>;
  recorderRestarts: Counter<'camera' | 'cause'>;
  camerasOnline: Gauge;
  camerasOwned: Gauge;
  rejected: Counter<'reason'>;
  retentionDeleted: Counter<'reason'>;
  clipsDirBytes: Gauge;
  diskCapBlocked: Gauge;
}

export function createCaptureMetrics(registry: Registry): CaptureMetrics {
  const registers = [registry];
  return {
    clipsRecorded: new Counter({
      name: 'safetyhanta_capture_clips_recorded_total',
      help: 'clips validated and enqueued',
      labelNames: ['camera', 'origin'],
      registers,
    }),
    clipBytes: new Counter({
      name: 'safetyhanta_capture_clip_bytes_total',
      help: 'bytes of enqueued clips',
      labelNames: ['camera'],
      registers,
    }),
    segmentLag: new Histogram({
      name: 'safetyhanta_capture_segment_lag_seconds',
      help: "a clip's media ended → job enqueued (a dying run's last clip also waits out the RTSP timeout)",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    reconnects: new Counter({
      name: 'safetyhanta_capture_reconnects_total',
      help: 'recorder ffmpeg respawns after it ended',
      labelNames: ['camera'],
      registers,
    }),
    recorderRestarts: new Counter({
      name: 'safetyhanta_capture_recorder_restarts_total',
      help: 'recorder ffmpeg restarted by capture while it ran: cause stall (no segment for 2 × SEGMENT_SECONDS + RTSP timeout) or jump (a gap in the stream clock)',
      labelNames: ['camera', 'cause'],
      registers,
    }),
    camerasOnline: new Gauge({
      name: 'safetyhanta_capture_cameras_online',
      help: 'cameras owned by this replica that deliver clips',
      registers,
    }),
    camerasOwned: new Gauge({
      name: 'safetyhanta_capture_cameras_owned',
      help: 'cameras this replica records',
      registers,
    }),
    rejected: new Counter({
      name: 'safetyhanta_capture_clips_rejected_total',
      help: 'clips quarantined or refused, by reason',
      labelNames: ['reason'],
      registers,
    }),
    retentionDeleted: new Counter({
      name: 'safetyhanta_capture_retention_deleted_total',
      help: 'clips deleted by the retention sweep',
      labelNames: ['reason'],
      registers,
    }),
    clipsDirBytes: new Gauge({
      name: 'safetyhanta_capture_clips_dir_bytes',
      help: 'bytes under CLIPS_DIR at the last sweep',
      registers,
    }),
    diskCapBlocked: new Gauge({
      name: 'safetyhanta_capture_disk_cap_blocked',
      help: '1 when CLIPS_MAX_BYTES is exceeded and only unverdicted clips are left',
      registers,
    }),
  };
}
