import type { Message } from '../message';
import { clip } from './slack';

/**
 * Microsoft Teams "Workflows" webhook (the Power Automate flow "Post to a channel when a webhook
 * request is received", which replaced Office 365 connectors): the body is a message with one
 * Adaptive Card attachment, as Microsoft documents for incoming webhooks
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook).
 * Card version 1.4 (what Teams renders on desktop and mobile; https://adaptivecards.io/schemas/adaptive-card.json).
 * A Teams message is at most 28 KB (same page, "Rate limiting"/size), so the summary is cut.
 */
export const TEAMS_LIMITS = { bytes: 28 * 1024, summary: 4000, title: 200 } as const;

export function teamsBody(m: Message): Record<string, unknown> {
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    msteams: { width: 'Full' },
    body: [
      {
        type: 'TextBlock',
        text: clip(m.title, TEAMS_LIMITS.title),
        weight: 'Bolder',
        size: 'Medium',
        wrap: true,
        color: m.severity === 'danger' ? 'Attention' : 'Warning',
      },
      { type: 'TextBlock', text: clip(m.summary || '—', TEAMS_LIMITS.summary), wrap: true },
      {
        type: 'FactSet',
        facts: [
          { title: '카메라 camera', value: m.cameraId },
          { title: '위험 hazard', value: m.hazardType },
          { title: '사건 incident', value: m.incidentId },
          ...(m.continues ? [{ title: '이어짐 continues', value: m.continues }] : []),
          { title: '시작 opened', value: m.openedAt },
        ],
      },
    ],
    actions: [
      { type: 'Action.OpenUrl', title: '사건 보기 · Open incident', url: m.incidentUrl },
      ...(m.ackUrl ? [{ type: 'Action.OpenUrl', title: '확인 · Acknowledge', url: m.ackUrl, style: 'positive' }] : []),
    ],
  };
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }],
  };
}
