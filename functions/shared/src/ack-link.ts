import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Signed acknowledge links (issue #24 §5), the one place they are made and checked: notify signs
 * one per message, the alerts function verifies it on `GET /ack/<token>` (a page, never an
 * acknowledgement: link scanners and chat unfurlers fetch links) and `POST /ack/<token>` (the
 * acknowledgement, recorded as the recipient the link names).
 *
 * Token = base64url(JSON claims) "." base64url(HMAC-SHA256(secret, "ack.v1." + first part)):
 * the JWS-style compact form without a header, since the algorithm is fixed (no `alg` to confuse,
 * RFC 8725 §2.1). Claims: `i` incident id, `r` recipient name, `e` expiry (Unix seconds).
 */
export interface AckClaims {
  readonly incidentId: string;
  readonly recipient: string;
  /** Unix seconds. */
  readonly expiresAt: number;
}

const ClaimsSchema = z.strictObject({
  i: z.string().min(1).max(256),
  r: z.string().min(1).max(100),
  e: z.number().int().positive(),
});

const DOMAIN = 'ack.v1.';
/** Longest token accepted (claims are bounded, so a real one is far shorter). */
const MAX_TOKEN = 1024;

const mac = (secret: string, payload: string) =>
  createHmac('sha256', secret)
    .update(DOMAIN + payload)
    .digest();

export function signAckToken(claims: AckClaims, secret: string): string {
  const payload = Buffer.from(
    JSON.stringify({ i: claims.incidentId, r: claims.recipient, e: claims.expiresAt }),
  ).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

export type VerifiedAck =
  { ok: true; claims: AckClaims } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

/** Checks the signature (constant time), then the expiry. Never throws. */
export function verifyAckToken(token: string, secret: string, nowMs: number): VerifiedAck {
  if (token.length > MAX_TOKEN) return { ok: false, reason: 'malformed' };
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m?.[1] || !m[2]) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(m[2], 'base64url');
  const want = mac(secret, m[1]);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return { ok: false, reason: 'signature' };
  let parsed: z.infer<typeof ClaimsSchema>;
  try {
    const r = ClaimsSchema.safeParse(JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')));
    if (!r.success) return { ok: false, reason: 'malformed' };
    parsed = r.data;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (parsed.e * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { incidentId: parsed.i, recipient: parsed.r, expiresAt: parsed.e } };
}

/** The link a message carries: `<dashboard>/ack/<token>`. */
export function ackLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/ack/${token}`;
}
