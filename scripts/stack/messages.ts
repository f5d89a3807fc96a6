import path from 'node:path';
import type { StackPorts } from './plan';
import type { ReplicaMode } from './replicas';
import type { StackRun } from './stack-run';

/** Shows `p` relative to the working directory when it is inside it. */
export function pretty(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** What follows "✔ <part> ready in …": where to reach it. */
export function readyNote(run: StackRun, name: string, ports: StackPorts): string {
  if (name === 'rtsp-sim') return ` · rtsp://127.0.0.1:${ports.rtspClient}/cam1 … cam${run.c.common.numStreams}`;
  if (name === 'vllm-sim')
    return ` · http://127.0.0.1:${ports.vllmSim}/v1 (a simulator of the model server, not a safety model)`;
  if (name === 'alerts') return ` · dashboard ${run.dashboardUrl}`; // the login link: once, in the ready banner
  return '';
}

/** The block printed once every part is ready. */
export function readyText(run: StackRun): string {
  const s = run.term.style;
  return [
    '',
    `  ${s.bold(`Dashboard: ${run.loginUrl}`)}  — incidents appear within about a minute.`,
    ...(run.authToken
      ? ['  (the link logs this browser in; the token is also in the state file, which only you can read)']
      : []),
    `  Logs: ${pretty(run.logsDir)}/<part>.log · state: ${pretty(run.stateFile)} · clips: ${pretty(run.c.common.clipsDir)}`,
    '  Ctrl-C stops everything (capture first, so the last clips are finalised and judged).',
    '',
  ].join('\n');
}

/** The reply to the n-th stop signal (1: stop, 2: skip the drain, 3+: kill). */
export function signalText(sig: NodeJS.Signals, n: number): string {
  if (n === 1) return `\n${sig}: stopping the stack (Ctrl-C again to skip waiting for queued clips)…`;
  if (n === 2) return `${sig} again: not waiting for queued clips`;
  return `${sig} a third time: killing every part now`;
}

/** "… <part>: starting" (rtsp-sim warns that its first run renders the scenes). */
export function startingText(name: string): string {
  return `  … ${name}: starting${name === 'rtsp-sim' ? ' (the first run renders the simulated scenes: a minute or two)' : ''}`;
}

/** How the inference replicas are run: pinned, or scaled by the local KEDA + HPA equivalent. */
export function replicasText(mode: ReplicaMode, running: number | undefined): string {
  return 'pinned' in mode
    ? `  ✔ inference: ${mode.pinned} replica(s), pinned by INFERENCE_REPLICAS`
    : `  ✔ inference: ${running ?? 1} replica(s), scaled ${mode.autoscale.minReplicas}–${mode.autoscale.maxReplicas} by the local KEDA + HPA equivalent every ${mode.autoscale.pollingIntervalSeconds} s`;
}
