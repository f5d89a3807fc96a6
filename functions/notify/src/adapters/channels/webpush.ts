import webpush from 'web-push';
import { toError } from '../../../../shared/src/errors';
import type { Message } from '../../core/message';
import { clip } from '../../core/templates/slack';
import type { PushSubscriptions } from '../../../../shared/src/push-subscriptions';
import { postJson } from './http-post';
import type { ChannelSender } from './types';

export interface VapidKeys {
  readonly publicKey: string;
  readonly privateKey: string;
  readonly subject: string;
}

/** What the service worker (functions/alerts/public/sw.js) shows. Kept well under the 4096 bytes a push service must accept (RFC 8030 §7.2). */
export function pushPayload(m: Message): string {
  return JSON.stringify({
    title: clip(m.title, 120),
    body: clip(m.summary, 600),
    incidentId: m.incidentId,
    url: m.ackUrl ?? m.incidentUrl,
    severity: m.severity,
  });
}

/**
 * Web Push: the payload is encrypted for the browser (RFC 8291, aes128gcm) and the request carries a
 * VAPID JWT (RFC 8292), both by `web-push`'s `generateRequestDetails`
 * (node_modules/web-push/src/web-push-lib.js). The POST itself is ours (`sendNotification` speaks
 * https only; a push service is https anyway, and this lets the tests run a local endpoint).
 * A 404 or 410 means the subscription is gone (RFC 8030 §7.3): it is dropped and not retried.
 */
export function webPushSender(vapid: VapidKeys, subs: PushSubscriptions): ChannelSender {
  return {
    kind: 'webpush',
    send: async (d, timeoutMs) => {
      const stored = d.subscription ? await subs.get(d.subscription) : undefined;
      if (!stored || !d.subscription) return { ok: false, retryable: false, error: 'subscription removed' };
      let details: { endpoint: string; headers: Record<string, string | number>; body: Buffer | null };
      try {
        details = webpush.generateRequestDetails(
          { endpoint: stored.subscription.endpoint, keys: stored.subscription.keys },
          pushPayload(d.message),
          {
            vapidDetails: vapid,
            TTL: 3600,
            urgency: d.message.severity === 'danger' ? 'high' : 'normal',
            topic: d.message.incidentId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32) || 'incident',
          },
        );
      } catch (err) {
        return { ok: false, retryable: false, error: `cannot encrypt for this subscription: ${toError(err).message}` };
      }
      const headers = Object.fromEntries(Object.entries(details.headers).map(([k, v]) => [k, String(v)]));
      const out = await postJson(details.endpoint, details.body ?? Buffer.alloc(0), headers, timeoutMs);
      if (!out.ok && (out.status === 404 || out.status === 410)) await subs.remove(d.subscription);
      return out;
    },
  };
}
