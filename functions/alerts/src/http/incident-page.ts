import type { DashboardIncident } from '../core/incidents';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface IncidentPageOptions {
  /**
   * The acknowledge button: a form POST to a signed link (works without script, from a mail client),
   * or, for a logged-in operator, a button whose script POSTs JSON to `/api/incidents/<id>/ack`
   * (the dashboard's CSRF rule: state changes with the session cookie are JSON only). undefined: no button.
   */
  readonly ack?: { readonly form: string } | { readonly api: string };
  /** Shown above the card (who the link is for, or what just happened). */
  readonly notice?: string;
  /** Thumbnail of the evidence clip (only for a logged-in viewer: the thumbnail route needs the session). */
  readonly thumbnailUrl?: string;
}

function ackButton(ack: NonNullable<IncidentPageOptions['ack']>): string {
  const button = '<button type="submit" class="inc-ack" id="ack">확인 · Acknowledge</button>';
  if ('form' in ack) return `<form method="post" action="${esc(ack.form)}">${button}</form>`;
  return `<form id="ack-form" data-incident="${esc(ack.api)}">${button}</form><script type="module" src="/assets/incident.js"></script>`;
}

/**
 * One incident as a small page that works on a 360 px wide phone (issue #24 §5): severity, what,
 * where, when, the model's summary, and one big "Acknowledge" button that POSTs a form (no script:
 * the page works from a mail client or a push notification). Styles come from /assets/incident.css
 * (the CSP has no inline style).
 */
export function incidentPage(rec: DashboardIncident | undefined, opts: IncidentPageOptions): string {
  const body = rec
    ? `<article class="inc-card sev-${esc(rec.severity)}">
    <p class="inc-sev">${rec.severity === 'danger' ? '위험 · danger' : '경고 · warning'}${rec.state === 'resolved' ? ' · 해결됨 resolved' : ''}</p>
    <h1>${esc(rec.hazardType.replace(/_/g, ' '))} · ${esc(rec.cameraId)}</h1>
    ${opts.thumbnailUrl ? `<img class="inc-thumb" src="${esc(opts.thumbnailUrl)}" alt="incident clip frame">` : ''}
    <p class="inc-summary">${esc(rec.summary)}</p>
    <dl class="inc-facts">
      <dt>시작 · opened</dt><dd>${esc(rec.openedAt)}</dd>
      <dt>사건 · incident</dt><dd>${esc(rec.incidentId)}</dd>
      ${rec.acknowledgedAt ? `<dt>확인 · acknowledged</dt><dd>${esc(rec.acknowledgedAt)}${rec.acknowledgedBy ? ` · ${esc(rec.acknowledgedBy)}` : ''}</dd>` : ''}
    </dl>
    ${rec.acknowledgedAt || !opts.ack ? '' : ackButton(opts.ack)}
  </article>`
    : '<article class="inc-card"><h1>사건을 찾을 수 없습니다 · no such incident</h1></article>';
  return `<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Safety-Hanta · 사건 incident</title>
<link rel="manifest" href="/manifest.webmanifest"><link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/incident.css"></head>
<body class="inc">${opts.notice ? `<p class="inc-notice" role="status">${esc(opts.notice)}</p>` : ''}
${body}
<p class="inc-nav"><a href="/">대시보드 · dashboard</a></p>
</body></html>`;
}
