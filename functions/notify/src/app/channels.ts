import type { Redis } from 'ioredis';
import type { Config } from '../../../shared/src/config';
import type { RedisKeys } from '../../../shared/src/keys';
import type { RulesFile } from '../core/rules';
import { webhookSender } from '../adapters/channels/webhook';
import { slackSender, teamsSender } from '../adapters/channels/chat';
import { emailSender } from '../adapters/channels/email';
import { outboxSender } from '../adapters/channels/outbox';
import { webPushSender } from '../adapters/channels/webpush';
import type { ChannelSender } from '../adapters/channels/types';
import type { PushSubscriptions } from '../../../shared/src/push-subscriptions';
import { clipThumbnail } from '../adapters/thumbnail';

/** One adapter per configured channel id, plus the built-in outbox and (with VAPID keys) Web Push. */
export function buildChannels(
  rules: RulesFile,
  deps: { config: Config; redis: Redis; keys: RedisKeys; subscriptions: PushSubscriptions },
): Map<string, ChannelSender> {
  const { notify, common } = deps.config;
  const out = new Map<string, ChannelSender>([['outbox', outboxSender(deps.redis, deps.keys)]]);
  if (notify.vapidPublicKey && notify.vapidPrivateKey)
    out.set(
      'webpush',
      webPushSender(
        { publicKey: notify.vapidPublicKey, privateKey: notify.vapidPrivateKey, subject: notify.vapidSubject },
        deps.subscriptions,
      ),
    );
  const thumbnail = (clip: string) => clipThumbnail(common.clipsDir, clip);
  for (const c of rules.channels) {
    if (c.kind === 'webhook') out.set(c.id, webhookSender(c));
    else if (c.kind === 'slack') out.set(c.id, slackSender(c));
    else if (c.kind === 'teams') out.set(c.id, teamsSender(c));
    else if (c.kind === 'email') out.set(c.id, emailSender(c, { from: notify.emailFrom, thumbnail }));
    else if (c.kind === 'outbox') out.set(c.id, outboxSender(deps.redis, deps.keys));
  }
  return out;
}
