import net from 'node:net';
import { sleep } from '../../../../functions/shared/src/async';

/**
 * Sends one RTSP DESCRIBE and returns the status code (200 = the path is being published,
 * 404 = it is not), or null when the server does not answer. Cheap readiness check that needs
 * no ffprobe process.
 */
export function describeStatus(url: string, timeoutMs = 2000): Promise<number | null> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || 554) });
    let buf = '';
    const done = (v: number | null) => {
      socket.destroy();
      resolve(v);
    };
    socket.setTimeout(timeoutMs, () => done(null));
    socket.on('error', () => done(null));
    socket.on('connect', () => socket.write(`DESCRIBE ${url} RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n`));
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      const m = /^RTSP\/1\.0 (\d{3})/.exec(buf);
      if (m) done(Number(m[1]));
      else if (buf.includes('\r\n')) done(null);
    });
    socket.on('close', () => done(null));
  });
}

/** Polls `check` until it returns true or the deadline passes. */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
