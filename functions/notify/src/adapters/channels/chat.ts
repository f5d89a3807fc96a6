import type { Channel } from '../../core/rules';
import { slackBody } from '../../core/templates/slack';
import { teamsBody } from '../../core/templates/teams';
import type { ChannelSender } from './types';
import { postJson } from './http-post';

/** Slack incoming webhook (Block Kit). */
export function slackSender(channel: Extract<Channel, { kind: 'slack' }>): ChannelSender {
  return {
    kind: 'slack',
    send: (d, timeoutMs) =>
      postJson(channel.url, JSON.stringify(slackBody(d.message)), { 'content-type': 'application/json' }, timeoutMs),
  };
}

/** Microsoft Teams Workflows webhook (Adaptive Card). */
export function teamsSender(channel: Extract<Channel, { kind: 'teams' }>): ChannelSender {
  return {
    kind: 'teams',
    send: (d, timeoutMs) =>
      postJson(channel.url, JSON.stringify(teamsBody(d.message)), { 'content-type': 'application/json' }, timeoutMs),
  };
}
