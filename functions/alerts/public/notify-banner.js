// @ts-check
/**
 * "Notification failed" on the main dashboard (issue #24 §6): a message that could not be delivered
 * after its last retry is an alarm of its own, so a red banner links to the Notifications page.
 * Also registers the PWA's service worker, so the dashboard can be installed on a phone.
 */
import { registerServiceWorker } from './push.js';

const banner = document.createElement('div');
banner.className = 'notify-failed-banner';
banner.hidden = true;
banner.setAttribute('role', 'alert');
document.body.prepend(banner);

async function check() {
  const res = await fetch('/api/notifications', { headers: { accept: 'application/json' } });
  if (!res.ok) return;
  const { failed } = /** @type {{failed: {message: {title: string}}[]}} */ (await res.json());
  banner.hidden = failed.length === 0;
  if (failed.length === 0) return;
  const link = document.createElement('a');
  link.href = '/notifications';
  link.textContent = `알림 실패 · notification failed (${failed.length}): ${failed[0]?.message.title ?? ''}`;
  banner.replaceChildren(link);
}

if ('serviceWorker' in navigator) void registerServiceWorker().catch(() => undefined);
void check();
setInterval(() => void check(), 5000);
