/** What only the e2e tests need (HTTP probes of the running stack, its clip files); the rest is in test/support. */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 3000, agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(body) as T) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(undefined));
  });
}

/**
 * Opens a login URL as a browser would (no redirect followed) and returns the session cookie it
 * sets (`name=value`), or undefined when the answer is not a 303 with one.
 */
export function loginCookie(url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 3000, agent: false }, (res) => {
      res.resume();
      const cookie = res.headers['set-cookie']?.[0]?.split(';')[0];
      resolve(res.statusCode === 303 ? cookie : undefined);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(undefined));
  });
}

/** Every .mp4 under `dir`, relative, skipping hidden folders (capture's staging and quarantine). */
export function clipFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...clipFiles(dir, r));
    else if (e.name.endsWith('.mp4')) out.push(r);
  }
  return out;
}
