/**
 * The receiving side of Web Push for tests: a browser's key pair and auth secret, and the
 * decryption of an `aes128gcm` push message with node:crypto only, so a test proves the payload
 * was really encrypted for that browser (RFC 8291 §3.3–3.4 key derivation, RFC 8188 §2 record
 * layout), and that the VAPID JWT is signed by the application server's key (RFC 8292 §2–3, ES256).
 */
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';

export interface BrowserKeys {
  /** What `PushSubscription.toJSON().keys` holds. */
  readonly p256dh: string;
  readonly auth: string;
  decrypt(body: Buffer): string;
}

const info = (label: string, ...parts: Buffer[]) =>
  Buffer.concat([Buffer.from(label, 'latin1'), Buffer.from([0]), ...parts]);

export function browserKeys(): BrowserKeys {
  const ecdh = createECDH('prime256v1');
  const uaPublic = ecdh.generateKeys(); // uncompressed point, 65 bytes
  const authSecret = randomBytes(16);
  return {
    p256dh: uaPublic.toString('base64url'),
    auth: authSecret.toString('base64url'),
    decrypt(body) {
      // RFC 8188 §2.1 header: salt (16) | rs (uint32) | idlen (1) | keyid (= the sender's public key, RFC 8291 §4)
      const salt = body.subarray(0, 16);
      const idlen = body.readUInt8(20);
      const asPublic = body.subarray(21, 21 + idlen);
      const ciphertext = body.subarray(21 + idlen);
      const ecdhSecret = ecdh.computeSecret(asPublic);
      // RFC 8291 §3.4: IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" 0x00 ua_public as_public, 32)
      const ikm = Buffer.from(
        hkdfSync('sha256', ecdhSecret, authSecret, info('WebPush: info', uaPublic, asPublic), 32),
      );
      const cek = Buffer.from(hkdfSync('sha256', ikm, salt, info('Content-Encoding: aes128gcm'), 16));
      const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, info('Content-Encoding: nonce'), 12));
      const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
      decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
      const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
      // RFC 8188 §2: the last record ends with the delimiter 0x02, then zero padding
      let end = padded.length - 1;
      while (end >= 0 && padded[end] === 0) end--;
      if (padded[end] !== 2) throw new Error('no last-record delimiter: not an aes128gcm message');
      return padded.subarray(0, end).toString('utf8');
    },
  };
}

/** Checks `Authorization: vapid t=<JWT>, k=<public key>` (RFC 8292 §3): ES256 over the JWT by that key, `aud` = the endpoint's origin. */
export function verifyVapid(
  authorization: string,
  endpointOrigin: string,
  publicKey: string,
): { ok: boolean; sub?: string } {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization);
  if (!m?.[1] || m[2] !== publicKey) return { ok: false };
  const [h, p, s] = m[1].split('.');
  if (!h || !p || !s) return { ok: false };
  const raw = Buffer.from(publicKey, 'base64url');
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  const ok = verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url'),
  );
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { aud?: string; sub?: string };
  return { ok: ok && claims.aud === endpointOrigin, ...(claims.sub ? { sub: claims.sub } : {}) };
}
