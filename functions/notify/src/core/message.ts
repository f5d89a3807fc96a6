import { STATUS_LABEL_KO } from '../../../shared/src/verdict';
import type { Transition } from './incident-state';

/**
 * One message, channel-neutral: every channel template renders this. It names the incident it
 * belongs to, and every message after the first says which incident it continues.
 */
export interface Message {
  readonly incidentId: string;
  readonly transition: Transition;
  readonly severity: 'warning' | 'danger';
  readonly cameraId: string;
  readonly hazardType: string;
  /** One line: what happened, where, how bad. */
  readonly title: string;
  /** The model's summary (or the camera's reason). */
  readonly summary: string;
  /** Set on every message after the first: the incident this one continues. */
  readonly continues?: string;
  /** Evidence clip (relative to CLIPS_DIR), for the email thumbnail. */
  readonly clipPath?: string;
  readonly openedAt: string;
  /** When the event happened (ISO). */
  readonly at: string;
  /** The incident on the dashboard. */
  readonly incidentUrl: string;
  /** Signed, per recipient (set when the delivery is queued; absent without NOTIFY_LINK_SECRET). */
  readonly ackUrl?: string;
}

export interface MessageInput {
  readonly incidentId: string;
  readonly transition: Transition;
  readonly severity: 'warning' | 'danger';
  readonly cameraId: string;
  readonly hazardType: string;
  readonly summary: string;
  readonly clipPath?: string;
  readonly openedAt: string;
  readonly at: string;
  /** Minutes unacknowledged (escalations). */
  readonly minutesOpen?: number;
  /** The severity before a rise. */
  readonly from?: 'warning' | 'danger';
}

const SEVERITY = { warning: `${STATUS_LABEL_KO.warning} warning`, danger: `${STATUS_LABEL_KO.danger} danger` } as const;

function headline(m: MessageInput): string {
  const what = `${m.hazardType.replace(/_/g, ' ')} · ${m.cameraId}`;
  switch (m.transition) {
    case 'raised':
      return `[${SEVERITY[m.severity]}] ${what}`;
    case 'severity-up':
      return `[${SEVERITY[m.severity]}] ${what}: ${m.from ?? 'warning'} → ${m.severity}`;
    case 'resolved':
      return `[해결 resolved] ${what}`;
    case 'camera-offline':
      return `[카메라 끊김 camera offline] ${m.cameraId}`;
    case 'camera-online':
      return `[카메라 복구 camera online] ${m.cameraId}`;
    default:
      return `[미확인 unacknowledged ${m.minutesOpen ?? 0} min · ${SEVERITY[m.severity]}] ${what}`;
  }
}

/** The incident page of the dashboard (`/incident/<id>`, alerts function). */
export function incidentUrl(publicUrl: string, incidentId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/incident/${encodeURIComponent(incidentId)}`;
}

export function buildMessage(m: MessageInput, publicUrl: string): Message {
  const first = m.transition === 'raised' || m.transition === 'camera-offline';
  return {
    incidentId: m.incidentId,
    transition: m.transition,
    severity: m.severity,
    cameraId: m.cameraId,
    hazardType: m.hazardType,
    title: headline(m),
    summary: m.summary,
    ...(first ? {} : { continues: m.incidentId }),
    ...(m.clipPath ? { clipPath: m.clipPath } : {}),
    openedAt: m.openedAt,
    at: m.at,
    incidentUrl: incidentUrl(publicUrl, m.incidentId),
  };
}

/** Plain text of a message (email body, outbox, Web Push body), ending with the links. */
export function plainText(m: Message): string {
  return [
    m.title,
    m.summary,
    ...(m.continues ? [`이어지는 사건 · continues incident ${m.continues}`] : []),
    `opened ${m.openedAt}`,
    `사건 보기 · incident: ${m.incidentUrl}`,
    ...(m.ackUrl ? [`확인 · acknowledge: ${m.ackUrl}`] : []),
  ]
    .filter((l) => l !== '')
    .join('\n');
}
