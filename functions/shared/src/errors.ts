/**
 * The error taxonomy. Every error of ours carries a `kind`, and ONE function,
 * {@link failurePolicy}, turns it into what happens to the job: retry (attempt counted),
 * release (attempt not counted: a dependency is down, try again later) or dead-letter. The kind
 * is a plain string property, so it survives a process or thread boundary (JSON over Redis,
 * postMessage to a worker thread) where the prototype does not; {@link errorRecord} is the
 * serialisable form. Legacy names are still understood (bullmq checks `UnrecoverableError` by name).
 */
export type ErrorKind = 'unrecoverable' | 'retryable' | 'unavailable';

/** What to do with a job whose processing failed. */
export type FailurePolicy = 'retry' | 'release' | 'dead-letter';

/** A small fixed label set for metrics (reasons themselves are free text). */
export type FailureLabel =
  'schema' | 'path' | 'corrupt' | 'too-long' | 'rejected' | 'server-error' | 'timeout' | 'unavailable' | 'other';

export interface ErrorOptions {
  cause?: unknown;
  /** Metric label of the failure. @default 'other' */
  label?: FailureLabel;
}

export class SafetyHantaError extends Error {
  /** Decides the failure policy; see {@link failurePolicy}. */
  readonly kind: ErrorKind = 'retryable';
  readonly label: FailureLabel;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.label = options?.label ?? 'other';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** A bad environment variable. The message names the variable and the expected form. */
export class ConfigError extends SafetyHantaError {
  constructor(readonly issues: readonly string[]) {
    super(`Invalid configuration:\n  - ${issues.join('\n  - ')}`);
  }
}

/** Never retried: a poison job, an invalid event, a path outside CLIPS_DIR, a corrupt clip, a 4xx. Dead-letter it. */
export class UnrecoverableError extends SafetyHantaError {
  override readonly kind: ErrorKind = 'unrecoverable';
}

/** Worth another try, and the try counts against QUEUE_MAX_ATTEMPTS (a 5xx while the server is healthy, a timeout). */
export class RetryableError extends SafetyHantaError {}

/** A dependency is down or busy (connection refused, /health failing, a full push bound): try later, attempt not counted. */
export class UnavailableError extends SafetyHantaError {
  override readonly kind: ErrorKind = 'unavailable';
}

/** The clip path failed the guard (absolute, `..`, symlink escape, not a regular file). Never opened. */
export class PathRejectedError extends UnrecoverableError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, { label: 'path', ...options });
  }
}

const LEGACY_UNRECOVERABLE = new Set(['UnrecoverableError', 'PathRejectedError', 'ValidationError']);

/** The kind of any thrown value, also of a serialised error ({name, kind} after JSON or postMessage). Unknown errors are retryable. */
export function errorKind(err: unknown): ErrorKind {
  const o = err as { kind?: unknown; name?: unknown } | null;
  if (o && (o.kind === 'unrecoverable' || o.kind === 'retryable' || o.kind === 'unavailable')) return o.kind;
  if (typeof o?.name === 'string' && LEGACY_UNRECOVERABLE.has(o.name)) return 'unrecoverable';
  return 'retryable';
}

/** THE failure policy: unrecoverable → dead-letter, unavailable → release (wait, not counted), anything else → retry (counted). */
export function failurePolicy(err: unknown): FailurePolicy {
  const kind = errorKind(err);
  return kind === 'unrecoverable' ? 'dead-letter' : kind === 'unavailable' ? 'release' : 'retry';
}

/** The HTTP status a function answers for a failed event: 422 (never redelivered) or 503 "retry later" (Knative redelivers). */
export function failureStatus(err: unknown): 422 | 503 {
  return failurePolicy(err) === 'dead-letter' ? 422 : 503;
}

/** The metric label of a failure (plain data survives the thread boundary). */
export function failureLabel(err: unknown): FailureLabel {
  const l = (err as { label?: unknown } | null)?.label;
  return typeof l === 'string' ? (l as FailureLabel) : 'other';
}

/** True when an error (or its serialised form) must not be retried. */
export function isUnrecoverable(err: unknown): boolean {
  return errorKind(err) === 'unrecoverable';
}

/** Plain-data form of an error that keeps what the policy needs (for postMessage / JSON). */
export interface ErrorRecord {
  name: string;
  message: string;
  kind: ErrorKind;
  label: FailureLabel;
}

export function errorRecord(err: unknown): ErrorRecord {
  const e = toError(err);
  return { name: e.name, message: e.message, kind: errorKind(e), label: failureLabel(e) };
}

/** Normalises whatever lands in a `catch` into an Error (after openai-node's castToError). */
export function toError(err: unknown): Error {
  if (err instanceof Error) return err;
  try {
    return new Error(typeof err === 'string' ? err : JSON.stringify(err));
  } catch {
    return new Error(String(err));
  }
}
