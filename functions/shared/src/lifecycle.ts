import { toError } from './errors';

/** What an entry point starts: something that can be stopped. */
export interface Stoppable {
  stop(): Promise<void>;
}

export interface MainContext {
  /** Aborts on the first SIGINT/SIGTERM — also while start-up is still running (e.g. a long render). */
  signal: AbortSignal;
  /** The process cannot go on (e.g. a worker thread died): stop what was started, exit 1. */
  fatal(err: Error): void;
  /** The signal that started the stop (SIGINT = an interactive Ctrl-C, SIGTERM = a supervisor), if one did. */
  stoppedBy(): NodeJS.Signals | undefined;
}

export interface RunMainOptions {
  /** Upper bound on a clean stop; past it the process exits 1 and says so. @default 60_000 */
  stopTimeoutMs?: number;
  /** Told about each lifecycle step (the entry point logs it). */
  log?: (msg: string) => void;
}

/**
 * The one lifecycle of every entry point (functions and simulators): start; on the first SIGINT or
 * SIGTERM stop, within a bound; exit 0 after a clean stop, 1 after a failed start, a failed or
 * overlong stop, or a fatal error. Later signals are ignored: a Ctrl-C reaches a child twice
 * (the terminal and the tsx wrapper relaying it), and Kubernetes may resend SIGTERM.
 */
export function runMain(
  name: string,
  start: (ctx: MainContext) => Promise<Stoppable | undefined>,
  opts: RunMainOptions = {},
): void {
  const { stopTimeoutMs = 60_000, log = () => undefined } = opts;
  const abort = new AbortController();
  // `let`, not const: the exit handler above the single assignment may run before start() was called.
  // eslint-disable-next-line prefer-const
  let started: Promise<Stoppable | undefined> | undefined;
  let exiting = false;

  const exitAfterStop = (code: number, why: string) => {
    if (exiting) return;
    exiting = true;
    log(`stopping (${why})`);
    setTimeout(() => {
      process.stderr.write(`${name}: clean stop took longer than ${stopTimeoutMs} ms; exiting\n`);
      process.exit(1);
    }, stopTimeoutMs).unref();
    void (started ?? Promise.resolve(undefined))
      .catch(() => undefined) // a failed start has already been reported
      .then((running) => running?.stop())
      .then(
        () => process.exit(code),
        (err: unknown) => {
          process.stderr.write(`${name}: stop failed: ${toError(err).message}\n`);
          process.exit(1);
        },
      );
  };
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    stoppedBy ??= signal;
    abort.abort(new Error(`${signal} received`));
    exitAfterStop(0, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const ctx: MainContext = {
    signal: abort.signal,
    fatal: (err) => {
      process.stderr.write(`${name}: fatal: ${err.message}\n`);
      exitAfterStop(1, 'fatal error');
    },
    stoppedBy: () => stoppedBy,
  };
  started = start(ctx);
  started.catch((err: unknown) => {
    if (abort.signal.aborted) return; // stopped during start-up: not a failure
    process.stderr.write(`${name} failed to start: ${toError(err).stack ?? toError(err).message}\n`);
    process.exit(1);
  });
}
