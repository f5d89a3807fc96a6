import { renderSummary } from './panel';
import { describeExit, type Part } from './part';
import { say, type StackRun } from './stack-run';
import { writeState } from './state-snapshot';
import { waitUntil } from '../../functions/shared/src/async';

/**
 * Capture first (SIGINT finalises its clips), then inference after the drain, then notify (after the
 * last alert events it is sent, before alerts that serves its acknowledge links), then the rest.
 */
export const STOP_ORDER = ['capture', 'inference', 'notify', 'alerts', 'vllm-sim', 'rtsp-sim'];

/** Stops every part in STOP_ORDER (bounded by STACK_STOP_TIMEOUT_SECONDS each), then the broker and Redis. */
export async function shutdown(run: StackRun): Promise<void> {
  run.replicas?.freeze(); // no scaling while draining and stopping
  run.term.freeze();
  if (run.state !== 'failed') run.state = 'stopping';
  writeState(run);
  const grace = run.c.stack.stopTimeoutSeconds * 1000;
  const byName = new Map(run.parts.map((p) => [p.spec.name, p]));
  for (const name of STOP_ORDER) {
    const part = byName.get(name);
    if (!part) continue;
    if (name === 'inference') {
      await drain(run, part);
      await run.replicas?.stopAll(grace, { keepFirst: true }); // replicas 2…N (SIGTERM: they release their jobs)
    }
    await stopPart(run, part, grace);
  }
  await run.broker?.close();
  await run.monitor?.refresh();
  const last = run.monitor?.error ? undefined : run.monitor?.last;
  if (last && run.state !== 'failed') say(run, `  ${renderSummary(last, Date.now() - run.startedAt.getTime())}`);
  run.monitor?.close();
  if (run.redis) {
    await run.redis.stop();
    say(run, `  ✔ redis-server stopped (${run.redis.url})`);
  }
  if (run.state !== 'failed') run.state = 'stopped';
  writeState(run, new Date());
  say(run, run.state === 'stopped' ? 'Safety-Hanta stack stopped.' : 'Safety-Hanta stack did not start (see above).');
  await Promise.all(run.parts.map((p) => p.close()));
  await run.stackLog.close();
}

async function stopPart(run: StackRun, part: Part, grace: number): Promise<void> {
  if (!part.alive) {
    await part.stop(grace);
    return;
  }
  const t0 = Date.now();
  const { name, stopSignal } = part.spec;
  say(run, `  … stopping ${name} (${stopSignal})`);
  const { escalated } = await part.stop(grace);
  const how = escalated
    ? run.term.style.red(`did not exit within ${grace / 1000} s: killed with SIGKILL`)
    : `stopped (${describeExit(part.lastExit)})`;
  say(run, `  ${escalated ? '✖' : '✔'} ${name} ${how} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** Waits (bounded) until every queued clip has a verdict, so no recorded clip is left unjudged. */
async function drain(run: StackRun, inference: Part): Promise<void> {
  const seconds = run.c.stack.drainSeconds;
  const monitor = run.monitor;
  if (!monitor || seconds === 0 || !inference.alive || run.signals > 1 || run.state === 'failed') return;
  const left = () => monitor.backlog();
  const n = await left().catch(() => 0);
  if (n === 0) return;
  say(
    run,
    `  … waiting up to ${seconds} s for inference to judge ${n} queued clip${n > 1 ? 's' : ''} (Ctrl-C again to skip)`,
  );
  try {
    await waitUntil(async () => (await left()) === 0, {
      timeoutMs: seconds * 1000,
      what: 'the clip queue to drain',
      everyMs: 300,
      abortIf: () => (run.signals > 1 ? 'skipped' : !inference.alive ? 'inference is not running' : undefined),
    });
    say(run, '  ✔ queue drained: every recorded clip has a verdict');
  } catch (err) {
    say(run, `  ! ${(err as Error).message}; the remaining clips stay queued in Redis`);
  }
}
