import type { Zone } from '../../../shared/src/camera-registry/schema';
import type { ClipJob } from '../../../shared/src/clip-job';
import type { PreparedMedia } from './media';

/** A claimed job with its media ready: what the preparer hands to the model loop. */
export interface PreparedJob {
  raw: string;
  attempt: number;
  job: ClipJob;
  media: PreparedMedia;
  /** The unchanged-scene gate's thumbnails (Uint8Array: a Buffer arrives from the preparer thread as one). */
  thumbs?: Uint8Array[] | undefined;
  /** The zones drawn into `media`: the prompt describes these (issue #26.9). */
  zones?: Zone[] | undefined;
  /** ms since epoch when claimed (queue-wait metric). */
  claimedAt: number;
  prepareMs: number;
}

/** Where the model loop gets prepared jobs from. */
export interface JobSource {
  /** The next prepared job; null once stopping. */
  take(): Promise<PreparedJob | null>;
  /** Stops claiming; returns the prepared jobs nobody took (the caller releases them). */
  stop(): Promise<PreparedJob[]>;
  /** Optional: bound the prepared-ahead buffer by the model loop's current concurrency limit. */
  setAhead?(n: number): void;
}
