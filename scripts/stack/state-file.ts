import fs from 'node:fs';

/** Contents of `<STACK_DIR>/stack.json`: what runs, for tools, tests and the next `npm start`. */
export interface StackState {
  pid: number;
  state: 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';
  startedAt: string;
  stoppedAt?: string;
  dashboardUrl: string;
  /** `<dashboardUrl>/login?token=…` when the dashboard asks for a token (the file is written 0600 for it) */
  loginUrl?: string;
  logsDir: string;
  clipsDir: string;
  redis: { url: string; prefix: string; launched: boolean; pid?: number };
  /** the local broker (K_SINK of capture and inference) and what it routed */
  events: { sink: string; delivered: number; unrouted: number; failed: number } | undefined;
  /** every pid each part had (restarts included) and every descendant seen (ffmpeg, servers) */
  parts: {
    name: string;
    pid?: number;
    pids: number[];
    descendants: number[];
    url: string;
    state: string;
    restarts: number;
    log: string;
  }[];
}

/** Writes the state atomically (temp file + rename), best effort: the panel matters more. */
export function writeStateFile(file: string, state: StackState): void {
  try {
    // 0600: it holds the dashboard's login token
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2), { mode: 0o600 });
    fs.chmodSync(`${file}.tmp`, 0o600); // an older file kept its mode
    fs.renameSync(`${file}.tmp`, file);
  } catch {
    // a full disk or a removed STACK_DIR must not stop the stack
  }
}

/** The state file of a previous or running stack, or undefined. */
export function readStateFile(file: string): Partial<StackState> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StackState>;
  } catch {
    return undefined;
  }
}
