// @ts-check
/**
 * Registers the service worker and subscribes this browser to Web Push with the server's VAPID key
 * (W3C Push API `PushManager.subscribe({userVisibleOnly: true, applicationServerKey})`), then hands
 * the subscription to the dashboard, which stores it for notify.
 */

/** @param {string} b64url */
function keyBytes(b64url) {
  const b64 = b64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/** Registers /sw.js (scope: the whole dashboard). */
export async function registerServiceWorker() {
  return navigator.serviceWorker.register('/sw.js', { scope: '/' });
}

/** @returns {Promise<boolean>} false when the server has no VAPID key */
export async function subscribePush() {
  const { publicKey } = /** @type {{publicKey: string | null}} */ (await (await fetch('/api/push/key')).json());
  if (!publicKey) return false;
  const reg = await registerServiceWorker();
  await navigator.serviceWorker.ready;
  const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
  const res = await fetch('/api/push/subscriptions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(sub.toJSON()),
  });
  if (!res.ok) throw new Error(`the dashboard refused the subscription (${res.status})`);
  return true;
}
