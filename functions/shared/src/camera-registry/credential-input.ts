import { CameraEntryError, type CameraEntry } from './schema';
import { hasMaskedPassword, maskPassword, parseUrl, sealPassword, splitPassword } from './credentials';

/**
 * An admin's PUT/PATCH body as it is stored (issue #26.2): a password in `url` is sealed into
 * `credential` and the URL keeps `user:***@`; a `***` echo (what every reader is shown) keeps the
 * stored password while the user stays the same; a URL without a password drops it. A client
 * never sets `credential` itself. Pure apart from the seal's random IV.
 * @throws CameraEntryError when a password is sent but no CAMERA_CREDENTIALS_KEY is configured
 */
export function sealBodyCredentials(body: unknown, stored: CameraEntry | undefined, key: Buffer | undefined): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const { credential: _never, ...rest } = body as Record<string, unknown>;
  if (typeof rest.url !== 'string') return rest;
  const split = splitPassword(rest.url);
  if (split.password !== undefined) {
    if (!key)
      throw new CameraEntryError(
        'url',
        'a camera password needs CAMERA_CREDENTIALS_KEY (a 32-byte key from a Secret; docs/deploy.md): it is never stored in clear',
      );
    return { ...rest, url: split.url, credential: sealPassword(split.password, key) };
  }
  if (hasMaskedPassword(rest.url)) {
    const sameUser = stored !== undefined && parseUrl(stored.url)?.username === parseUrl(rest.url)?.username;
    if (!sameUser || (stored.credential === undefined && !hasMaskedPassword(stored.url)))
      throw new CameraEntryError('url', 'send the password itself: `***` keeps a stored one only for the same user');
    return { ...rest, credential: stored.credential };
  }
  return { ...rest, credential: undefined };
}

/** An entry as every API reader gets it: no sealed credential, the password (even a legacy clear one) masked. */
export function publicEntry(entry: CameraEntry): Omit<CameraEntry, 'credential'> {
  const { credential: _sealed, ...rest } = entry;
  return { ...rest, url: maskPassword(rest.url) };
}
