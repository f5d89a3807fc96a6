import type { PreparedJob } from '../adapters/claim';

/** Where the model loop gets prepared jobs from. */
export interface JobSource {
  /** The next prepared job; null once stopping. */
  take(): Promise<PreparedJob | null>;
  /** Stops claiming; returns the prepared jobs nobody took (the caller releases them). */
  stop(): Promise<PreparedJob[]>;
  /** Optional: bound the prepared-ahead buffer by the model loop's current concurrency limit. */
  setAhead?(n: number): void;
}
