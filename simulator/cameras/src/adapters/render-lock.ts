import { open, readFile, rm, stat } from 'node:fs/promises';
import { sleep } from '../../../../functions/shared/src/async';

/** A lock older than this is a leftover whatever its pid says (a pid may be reused, or be another host's). */
const STALE_AFTER_MS = 10 * 60_000;
/** How often a waiting process looks again. */
const POLL_MS = 200;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: "error checking is still performed" only (kill(2))
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, another user's
  }
}

/** True when the lock is a leftover: its owner is gone, or it is too old to be a render in progress. */
async function stale(lockPath: string): Promise<boolean> {
  const [text, info] = await Promise.all([
    readFile(lockPath, 'utf8').catch(() => ''),
    stat(lockPath).catch(() => null),
  ]);
  if (!info) return false; // gone already: the next attempt takes it
  const pid = Number(text.trim());
  return Date.now() - info.mtimeMs > STALE_AFTER_MS || (Number.isInteger(pid) && pid > 0 && !alive(pid));
}

/**
 * One render per scene file at a time across processes: parallel test workers, and rtsp-sim beside a second
 * stack, ask for the same loop at once, and each x264 render of it costs seconds of CPU. The process that
 * creates `lockPath` (O_EXCL, open(2): "if pathname already exists, then open() fails with the error EEXIST")
 * runs `render`; the others wait until `ready()` says the file is there, or the lock is gone (its render failed)
 * or stale (its process died), and then look again. Returns `render`'s value, or undefined when another process
 * made the file.
 */
export async function renderOnce<T>(
  lockPath: string,
  ready: () => Promise<boolean>,
  render: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T | undefined> {
  for (;;) {
    signal?.throwIfAborted();
    if (await ready()) return undefined;
    const handle = await open(lockPath, 'wx').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') return undefined;
      throw err;
    });
    if (handle) {
      try {
        await handle.writeFile(String(process.pid));
        await handle.close();
        // made between our look and our lock by a process that has released it since
        if (await ready()) return undefined;
        return await render();
      } finally {
        await rm(lockPath, { force: true });
      }
    }
    if (await stale(lockPath)) await rm(lockPath, { force: true });
    else await sleep(POLL_MS, signal);
  }
}
