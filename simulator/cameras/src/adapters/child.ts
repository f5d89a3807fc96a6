import type { ChildProcess } from 'node:child_process';
import { within } from '../../../../functions/shared/src/async';

/** Resolves when the child has exited (immediately if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Stops a child: `signal` first (SIGTERM lets ffmpeg send TEARDOWN so its RTSP path is
 * released), SIGKILL after `graceMs`.
 */
export async function terminate(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 5000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill(signal);
  const result = await within(
    done.then(() => 'exited' as const),
    graceMs,
    'timeout' as const,
  );
  if (result === 'timeout') {
    child.kill('SIGKILL');
    await done;
  }
}
