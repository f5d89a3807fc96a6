import type { CoverageMark } from '../../../../shared/src/coverage';
import type { RtspTransport } from '../../core/recorder-args';
import type { Logger } from 'pino';
import type { ClipSource } from '../../../../shared/src/clip-job';
import type { ClipRecorded } from '../../../../shared/src/events';
import type { CaptureMetrics } from '../metrics';

export interface CameraRecorderOptions {
  cameraId: string;
  url: string;
  clipsDir: string;
  transport: RtspTransport;
  timeoutSeconds: number;
  segmentSeconds: number;
  respawnMaxMs: number;
  ffmpegPath: string;
  /** Names this replica's run folders, so a takeover can tell its own runs from a dead replica's. */
  replicaId: string;
  logger: Logger;
  metrics: CaptureMetrics;
  /** Takes a finished clip that is already in `CLIPS_DIR/<camera>/` (validate, enqueue …); `from` is in-process only. */
  onClip: (data: ClipRecorded, from: ClipSource) => Promise<unknown>;
  /** MODEL_CLIP=true: the same ffmpeg also writes the model clip and thumbnails (issue #13). */
  model?: RecorderModelOptions | undefined;
  /** Why recording stopped, for coverage (issue #26.7, shared/src/coverage.ts); fire and forget. */
  markGap?: ((cause: CoverageMark['cause'], atMs: number) => void) | undefined;
}

export interface RecorderModelOptions {
  sampling: 'fps' | 'keyframes';
  fps: number;
  maxSide: number;
  /** The camera's zones at spawn time (overlay PNG in CLIPS_DIR/.zones and its hash); read per run. */
  zones?: () => Promise<{ overlayFile: string; zonesHash: string } | undefined>;
}

/** The model files of one segment, still in staging. */
export interface StagedModel {
  clip: string;
  thumbs?: string | undefined;
  zonesHash?: string | undefined;
}

export type RecorderState = 'starting' | 'recording' | 'backoff' | 'stopped';

export interface RecorderStatus {
  cameraId: string;
  state: RecorderState;
  runs: number;
  clips: number;
  lastExit?: string | undefined;
}

/** What the staging helpers (placer, run folder, recovery) share of a recorder's options. */
export type StagingContext = Pick<
  CameraRecorderOptions,
  'cameraId' | 'clipsDir' | 'logger' | 'metrics' | 'model' | 'markGap'
>;
