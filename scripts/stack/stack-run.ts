import type { Config } from '../../functions/shared/src/config';
import type { LocalBroker } from './broker';
import type { LineLog } from './line-log';
import type { Monitor } from './monitor';
import type { Part } from './part';
import type { LaunchedRedis } from './redis';
import type { InferenceReplicas } from './replicas';
import type { StackState } from './state-file';
import type { Terminal } from './terminal';

export interface StackOptions {
  readonly config: Config;
  /** environment passed on to every part */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** repository root (cwd of the parts) */
  readonly repoRoot: string;
  readonly out: NodeJS.WriteStream;
}

/**
 * What one `npm start` run knows, shared by its steps (startup.ts, shutdown.ts, messages.ts,
 * state-snapshot.ts); owned and created by the Stack (stack.ts).
 */
export interface StackRun {
  readonly opts: StackOptions;
  readonly c: Config;
  readonly term: Terminal;
  readonly stackLog: LineLog;
  readonly logsDir: string;
  readonly stateFile: string;
  readonly startedAt: Date;
  /** Every part running now (inference replicas come and go). */
  readonly parts: Part[];
  /** The dashboard's admin token (issue #17): ALERTS_AUTH_TOKEN if set, else one per stack, like Jupyter's. */
  readonly authToken: string | undefined;
  redis: LaunchedRedis | undefined;
  redisUrl: string;
  monitor: Monitor | undefined;
  broker: LocalBroker | undefined;
  replicas: InferenceReplicas | undefined;
  dashboardUrl: string;
  /** What to open: `…/login?token=…` (sets the session cookie, then redirects to the dashboard). */
  loginUrl: string;
  state: StackState['state'];
  /** SIGINT/SIGTERM received so far (1: stop, 2: skip the drain, 3: kill). */
  signals: number;
}

/** One line for the user (terminal and stack.log). */
export function say(run: StackRun, text: string): void {
  run.term.message(text);
}
