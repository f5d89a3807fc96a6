// @ts-check
/**
 * The Notifications page: what the outbox "sent" (a first run's proof that notify works), deliveries
 * that failed for good ("notification failed": an alarm of its own), the last attempts, and the
 * button that subscribes this device to Web Push (the PWA). Data: GET /api/notifications.
 */
import { subscribePush } from './push.js';

/** @typedef {{at: string, recipient: string, text: string, message: {incidentId: string, transition: string}}} OutboxEntry */
/** @typedef {{recipient: {name: string, channel: string}, attempts: number, lastError?: string, deadAt?: string, message: {title: string, incidentId: string}}} FailedEntry */
/** @typedef {{at: string, channel: string, recipient: string, incidentId: string, transition: string, attempt: number, status: string, httpStatus?: number, error?: string, latencyMs: number}} Attempt */

/** @param {string} tag @param {string} cls @param {string} text */
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  e.textContent = text;
  return e;
}

/** @param {string} id @param {HTMLElement[]} items */
function fill(id, items) {
  const list = document.getElementById(id);
  if (list) list.replaceChildren(...items);
}

async function refresh() {
  const res = await fetch('/api/notifications', { headers: { accept: 'application/json' } });
  if (!res.ok) return;
  const data =
    /** @type {{outbox: OutboxEntry[], failed: FailedEntry[], attempts: Attempt[], stats: Record<string, number>}} */ (
      await res.json()
    );
  fill(
    'outbox',
    data.outbox.map((o) => {
      const li = el('li', 'outbox-entry', '');
      li.append(el('div', 'meta', `${o.at} → ${o.recipient} · ${o.message.transition}`), el('pre', '', o.text));
      return li;
    }),
  );
  const failedPanel = document.getElementById('failed-panel');
  if (failedPanel) failedPanel.hidden = data.failed.length === 0;
  fill(
    'failed',
    data.failed.map((f) => {
      const li = el('li', 'failed', '');
      li.append(
        el('div', '', `알림 실패 · notification failed: ${f.message.title}`),
        el(
          'div',
          'meta',
          `${f.recipient.name} via ${f.recipient.channel} · ${f.attempts} attempts · ${f.lastError ?? ''} · ${f.deadAt ?? ''}`,
        ),
      );
      return li;
    }),
  );
  fill(
    'attempts',
    data.attempts.map((a) =>
      el(
        'li',
        a.status === 'dead' ? 'failed' : '',
        `${a.at} ${a.status} #${a.attempt} ${a.channel} → ${a.recipient} · ${a.incidentId} ${a.transition} · ${a.latencyMs} ms${a.httpStatus ? ` · HTTP ${a.httpStatus}` : ''}${a.error ? ` · ${a.error}` : ''}`,
      ),
    ),
  );
  const stats = document.getElementById('stats');
  if (stats)
    stats.textContent = Object.entries(data.stats)
      .map(([k, v]) => `${k} ${v}`)
      .join(' · ');
}

const button = /** @type {HTMLButtonElement | null} */ (document.getElementById('push'));
if (button && 'serviceWorker' in navigator && 'PushManager' in window) {
  button.hidden = false;
  button.addEventListener('click', () => {
    subscribePush().then(
      (ok) =>
        (button.textContent = ok
          ? '알림 받는 중 · this device is subscribed'
          : 'Web Push is not configured (NOTIFY_VAPID_*)'),
      (err) => (button.textContent = `구독 실패 · ${err instanceof Error ? err.message : String(err)}`),
    );
  });
}

void refresh();
setInterval(() => void refresh(), 2000);
