import path from 'node:path';
import { z } from 'zod';
import { envVar, int, num, optional, type Section } from './define';

/**
 * Variables owned by `npm start` (scripts/start-stack.ts), the one-command local stack.
 * The parts it starts read their own sections; these only steer the supervisor.
 */
export const stack = {
  dir: envVar('STACK_DIR', {
    schema: z
      .string()
      .min(1)
      .transform((p) => path.resolve(p)),
    default: '.safety-hanta',
    expected: 'a directory path',
    doc: '`npm start`: working folder for `logs/<part>.log` and `stack.json` (pids, ports, URLs of the running stack)',
  }),
  status: envVar('STACK_STATUS', {
    schema: z.enum(['panel', 'lines', 'off']),
    default: 'panel',
    expected: 'panel|lines|off',
    doc: '`npm start`: live status panel redrawn in place (falls back to lines when stdout is not a terminal), one line every STACK_STATUS_SECONDS, or nothing',
  }),
  statusSeconds: envVar('STACK_STATUS_SECONDS', {
    schema: int(1, 3600),
    default: '10',
    expected: 'an integer number of seconds, 1–3600',
    doc: '`npm start`: interval of the status line in lines mode',
  }),
  restarts: envVar('STACK_RESTARTS', {
    schema: int(0, 1000),
    default: '5',
    expected: 'an integer 0–1000',
    doc: '`npm start`: restarts of a part that died unexpectedly (backoff 1 s, 2 s, 4 s … 30 s); 0 = never restart',
  }),
  readyTimeoutSeconds: envVar('STACK_READY_TIMEOUT_SECONDS', {
    schema: int(5, 3600),
    default: '300',
    expected: 'an integer number of seconds, 5–3600',
    doc: '`npm start`: how long each part may take to become ready (the first run renders the simulator scenes)',
  }),
  stopTimeoutSeconds: envVar('STACK_STOP_TIMEOUT_SECONDS', {
    schema: int(1, 600),
    default: '15',
    expected: 'an integer number of seconds, 1–600',
    doc: '`npm start`: grace time of each part on shutdown before SIGKILL',
  }),
  drainSeconds: envVar('STACK_DRAIN_SECONDS', {
    schema: int(0, 3600),
    default: '30',
    expected: 'an integer number of seconds, 0–3600',
    doc: '`npm start`: on Ctrl-C, after capture stopped, wait up to this long for inference to judge the queued clips (0 = don’t wait; a second Ctrl-C skips it)',
  }),
  inferenceReplicas: envVar('INFERENCE_REPLICAS', {
    schema: optional(int(1, 64)),
    expected: 'an integer 1–64, or unset',
    doc: '`npm start`: pins this many inference replicas (each with its own vllm-sim unless VLLM_BASE_URL is set); unset = the local KEDA + HPA equivalent scales them between KEDA_MIN_REPLICAS and KEDA_MAX_REPLICAS',
  }),
  autoscaleTimeScale: envVar('STACK_AUTOSCALE_TIME_SCALE', {
    schema: num(0.001, 10000),
    default: '1',
    expected: 'a number > 0',
    doc: '`npm start`: divides the local autoscaler’s time constants (pollingInterval, cooldown, HPA windows and policy periods, read from knative/inference/service.yaml) for demos; 1 = the manifest’s',
  }),
} satisfies Section;
