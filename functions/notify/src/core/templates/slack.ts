import type { Message } from '../message';

/**
 * Slack incoming webhook body in Block Kit (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks).
 * Held to the published limits, so a long model summary never makes Slack refuse the message:
 * header text ≤ 150 (https://docs.slack.dev/reference/block-kit/blocks/header-block), section
 * text ≤ 3000 and ≤ 10 fields of ≤ 2000 (…/blocks/section-block), button text ≤ 75 and url ≤ 3000
 * (…/block-elements/button-element), ≤ 50 blocks per message (…/block-kit). `text` is the
 * notification fallback the docs ask for when `blocks` are sent.
 */
export const SLACK_LIMITS = {
  header: 150,
  section: 3000,
  field: 2000,
  fields: 10,
  button: 75,
  url: 3000,
  blocks: 50,
} as const;

/** Cuts to `max` characters (code points), with an ellipsis. */
export function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

export interface SlackBody {
  text: string;
  blocks: Record<string, unknown>[];
}

/** Slack's mrkdwn treats &, < and > as control characters (https://docs.slack.dev/messaging/formatting-message-text#escaping). */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackBody(m: Message): SlackBody {
  const fields = [
    `*카메라 camera*\n${esc(m.cameraId)}`,
    `*위험 hazard*\n${esc(m.hazardType)}`,
    `*심각도 severity*\n${m.severity}`,
    `*사건 incident*\n${esc(m.incidentId)}`,
  ].map((text) => ({ type: 'mrkdwn', text: clip(text, SLACK_LIMITS.field) }));
  const buttons = [
    {
      type: 'button',
      text: { type: 'plain_text', text: clip('사건 보기 · Open incident', SLACK_LIMITS.button) },
      url: m.incidentUrl,
    },
    ...(m.ackUrl
      ? [
          {
            type: 'button',
            style: 'primary',
            text: { type: 'plain_text', text: clip('확인 · Acknowledge', SLACK_LIMITS.button) },
            url: m.ackUrl,
          },
        ]
      : []),
  ].filter((b) => b.url.length <= SLACK_LIMITS.url);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(m.title, SLACK_LIMITS.header) } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: clip(esc(m.summary) || '—', SLACK_LIMITS.section) },
      fields: fields.slice(0, SLACK_LIMITS.fields),
    },
    ...(m.continues
      ? [
          {
            type: 'context',
            elements: [
              {
                type: 'mrkdwn',
                text: clip(`이어지는 사건 · continues incident ${esc(m.continues)}`, SLACK_LIMITS.section),
              },
            ],
          },
        ]
      : []),
    ...(buttons.length ? [{ type: 'actions', elements: buttons }] : []),
  ];
  return { text: clip(m.title, SLACK_LIMITS.section), blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}
