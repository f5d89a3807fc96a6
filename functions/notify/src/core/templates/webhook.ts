import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Message } from '../message';
import { clip } from './slack';

/**
 * The generic webhook. `json`: our own body (below). `jandi`: the incoming-webhook body of JANDI
 * (잔디), a Korean work messenger: `{body, connectColor, connectInfo: [{title, description,
 * imageUrl?}]}` posted with `Accept: application/vnd.tosslab.jandi-v2+json` (JANDI's
 * "Incoming Webhook" integration guide; the same fields in the public client
 * herbaccara/spring-boot-jandi `src/main/kotlin/herbaccara/jandi/model/JandiMessage.kt`).
 */
export type WebhookTemplate = 'json' | 'jandi';

export interface WebhookRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` (the Stripe pattern). */
export const SIGNATURE_HEADER = 'x-safetyhanta-signature';
/** Stable per delivery across retries (GitHub's X-GitHub-Delivery pattern): receivers drop a repeat by it. */
export const DELIVERY_HEADER = 'x-safetyhanta-delivery';

export function signatureValue(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** Our JSON body: the message as is (stable field names; docs/notifications.md). */
export function jsonBody(m: Message, deliveryId: string, recipient: string): Record<string, unknown> {
  return { version: 1, deliveryId, recipient, ...m };
}

export function jandiBody(m: Message): Record<string, unknown> {
  const links = [`[사건 보기](${m.incidentUrl})`, ...(m.ackUrl ? [`[확인하기 · acknowledge](${m.ackUrl})`] : [])].join(
    '  ',
  );
  return {
    body: clip(m.title, 300),
    connectColor: m.severity === 'danger' ? '#E53935' : '#FAC11B',
    connectInfo: [
      { title: '요약 summary', description: clip(m.summary || '—', 1000) },
      ...(m.continues ? [{ title: '이어지는 사건', description: m.continues }] : []),
      { title: '링크', description: links },
    ],
  };
}

export function webhookRequest(
  m: Message,
  opts: { template: WebhookTemplate; deliveryId: string; recipient: string; secret?: string; nowMs: number },
): WebhookRequest {
  const body = JSON.stringify(opts.template === 'jandi' ? jandiBody(m) : jsonBody(m, opts.deliveryId, opts.recipient));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    [DELIVERY_HEADER]: opts.deliveryId,
    ...(opts.template === 'jandi' ? { accept: 'application/vnd.tosslab.jandi-v2+json' } : {}),
  };
  if (opts.secret) headers[SIGNATURE_HEADER] = signatureValue(opts.secret, body, Math.floor(opts.nowMs / 1000));
  return { body, headers };
}

/**
 * How a receiver checks a post (docs/notifications.md shows the same in a few lines): recompute the
 * HMAC over `<t>.<raw body>`, compare in constant time, and refuse a `t` older than the tolerance
 * (a replayed capture).
 */
export function verifySignature(
  secret: string,
  header: string,
  rawBody: string,
  nowMs: number,
  toleranceSeconds = 300,
): boolean {
  const m = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header);
  if (!m?.[1] || !m[2]) return false;
  const t = Number(m[1]);
  if (Math.abs(nowMs / 1000 - t) > toleranceSeconds) return false;
  const want = Buffer.from(signatureValue(secret, rawBody, t).slice(-64), 'hex');
  const got = Buffer.from(m[2], 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}
