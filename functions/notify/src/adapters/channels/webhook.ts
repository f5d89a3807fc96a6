import type { Channel } from '../../core/rules';
import { webhookRequest } from '../../core/templates/webhook';
import type { ChannelSender } from './types';
import { postJson } from './http-post';

type WebhookChannel = Extract<Channel, { kind: 'webhook' }>;

/** Signed JSON (or the JANDI body) to a URL. */
export function webhookSender(channel: WebhookChannel, now: () => number = Date.now): ChannelSender {
  return {
    kind: 'webhook',
    send: (d, timeoutMs) => {
      const req = webhookRequest(d.message, {
        template: channel.template,
        deliveryId: d.id,
        recipient: d.recipient.name,
        ...(channel.secret ? { secret: channel.secret } : {}),
        nowMs: now(),
      });
      return postJson(channel.url, req.body, req.headers, timeoutMs);
    },
  };
}
