import http from 'node:http';
import https from 'node:https';
import { sleep } from '../../functions/shared/src/async';

export interface WaitOptions {
  timeoutMs: number;
  /** what we wait for, for the timeout message */
  what: string;
  intervalMs?: number;
  /** returns a reason to give up at once (the process died, the user pressed Ctrl-C) */
  abortIf?: () => string | undefined;
}

/** Polls `check` until it is true; throws on timeout or when `abortIf` gives a reason. Never a blind sleep. */
export async function waitUntil(check: () => Promise<boolean> | boolean, opts: WaitOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const reason = opts.abortIf?.();
    if (reason) throw new Error(`gave up waiting for ${opts.what}: ${reason}`);
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${Math.round(opts.timeoutMs / 1000)} s waiting for ${opts.what}`);
    await sleep(opts.intervalMs ?? 250);
  }
}

/** GET `url`; true on a 2xx answer within `timeoutMs`. */
export function httpOk(url: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
  });
}

/** GET `url` and parse JSON; undefined on any failure. */
export function httpJson(url: string, timeoutMs = 2000, headers: Record<string, string> = {}): Promise<unknown> {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    const req = get(url, { timeout: timeoutMs, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        try {
          resolve((res.statusCode ?? 0) < 300 ? JSON.parse(body) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(undefined));
  });
}
