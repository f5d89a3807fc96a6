/**
 * The error taxonomy. It decides retry vs dead-letter, and it survives a process
 * boundary: queue code checks `err.name`, because a job's failure crosses Redis as JSON
 * and the prototype does not (the same reason bullmq checks `UnrecoverableError` by name).
 */
export class SafetyHantaError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** A bad environment variable. The message names the variable and the expected form. */
export class ConfigError extends SafetyHantaError {
  constructor(readonly issues: readonly string[]) {
    super(`Invalid configuration:\n  - ${issues.join('\n  - ')}`);
  }
}

/** Never retried: a poison job, an invalid event, a path outside CLIPS_DIR, a corrupt clip. Dead-letter it. */
export class UnrecoverableError extends SafetyHantaError {}

/** Worth another try later: a dependency is down or overloaded (Redis, vLLM, the sink). */
export class RetryableError extends SafetyHantaError {}

/** The clip path failed the guard (absolute, `..`, symlink escape, not a regular file). Never opened. */
export class PathRejectedError extends UnrecoverableError {}

/** True when an error (or its serialised name) must not be retried. */
export function isUnrecoverable(err: unknown): boolean {
  if (err instanceof UnrecoverableError) return true;
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'UnrecoverableError' || name === 'PathRejectedError' || name === 'ValidationError';
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
