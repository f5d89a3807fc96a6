import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Camera passwords (issue #26.2). A registry entry's `url` never holds a password: it is stored
 * and shown as `rtsp://user:***@host/…`. The password itself is either
 *  - sealed in the entry's `credential` (AES-256-GCM, key CAMERA_CREDENTIALS_KEY from a Kubernetes
 *    Secret; alerts seals what an admin sends, capture opens it to spawn ffmpeg), or
 *  - for cameras seeded from RTSP_URL_TEMPLATE, read from that variable (itself from a Secret) by
 *    capture when it builds the URL: nothing is written.
 * Why sealing and not only references: an admin adds cameras from the dashboard, which cannot
 * create Kubernetes Secrets (docs/deploy.md "Camera credentials"). Pure apart from randomBytes.
 */

export const PASSWORD_MASK = '***';
const SEAL_VERSION = 'v1';

/** `rtsp://user:pw@h/x` → `{ url: 'rtsp://user:***@h/x', password: 'pw' }` (decoded). Not a URL: unchanged. */
export function splitPassword(url: string): { url: string; password?: string | undefined } {
  const u = parseUrl(url);
  if (!u || u.password === '') return { url };
  const password = decodeURIComponent(u.password);
  u.password = PASSWORD_MASK;
  return { url: urlText(u), password: password === PASSWORD_MASK ? undefined : password };
}

/** The URL as anyone may see it: the password, if any, is `***`. */
export function maskPassword(url: string): string {
  return splitPassword(url).url;
}

/** Puts `password` (clear text) into a masked URL, percent-encoded. */
export function withPassword(url: string, password: string): string {
  const u = parseUrl(url);
  if (!u || u.username === '') return url;
  u.password = encodeURIComponent(password);
  return urlText(u);
}

/** Whether the URL names a user with the masked password (`user:***@`): the password is kept elsewhere. */
export function hasMaskedPassword(url: string): boolean {
  const u = parseUrl(url);
  return u !== undefined && u.password === PASSWORD_MASK;
}

/** A 32-byte key from base64 (44 characters) or hex (64); undefined when the text is neither. */
export function parseCredentialsKey(text: string): Buffer | undefined {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  return key.length === 32 ? key : undefined;
}

/** AES-256-GCM (NIST SP 800-38D): `v1.<iv>.<tag>.<ciphertext>`, base64url, a fresh 96-bit IV each time. */
export function sealPassword(password: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
  return [SEAL_VERSION, iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** @throws Error when the credential is not ours or the key is wrong (GCM authentication fails) */
export function openPassword(sealed: string, key: Buffer): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== SEAL_VERSION || !iv || !tag || body === undefined) throw new Error('not a sealed camera credential');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

/** `URL.toString()`, with RTSP_URL_TEMPLATE's `{N}` put back (the URL Standard percent-encodes braces in a path). */
export function urlText(u: URL): string {
  return u.toString().replaceAll('%7BN%7D', '{N}');
}

/**
 * `new URL()` on an RTSP URL (a non-special scheme: userinfo, host and port are still parsed,
 * WHATWG URL Standard "URL parsing"); `{N}` template braces survive as they are in the path.
 */
export function parseUrl(url: string): URL | undefined {
  try {
    return URL.canParse(url) ? new URL(url) : undefined;
  } catch {
    return undefined;
  }
}
