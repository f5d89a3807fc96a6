// @ts-check
/// <reference lib="webworker" />
/**
 * The dashboard's service worker (the PWA of issue #24 §6). It only shows pushed incidents and opens
 * the link a tap asks for; it caches nothing (a stale safety dashboard is worse than none).
 * Push payload: functions/notify/src/adapters/channels/webpush.ts `pushPayload`.
 * W3C Push API (`push` event, PushMessageData.json()), Notifications API (`showNotification`,
 * `notificationclick`), Service Workers (`clients.openWindow`).
 */
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

sw.addEventListener('install', () => void sw.skipWaiting());
sw.addEventListener('activate', (event) => event.waitUntil(sw.clients.claim()));

sw.addEventListener('push', (event) => {
  /** @type {{title?: string, body?: string, url?: string, incidentId?: string, severity?: string}} */
  let p;
  try {
    p = event.data ? event.data.json() : {};
  } catch {
    p = { title: 'Safety-Hanta', body: event.data ? event.data.text() : '' };
  }
  event.waitUntil(
    sw.registration.showNotification(p.title ?? 'Safety-Hanta', {
      body: p.body ?? '',
      tag: p.incidentId ?? 'safety-hanta',
      icon: '/assets/favicon.svg',
      // a danger stays on screen until someone taps it
      requireInteraction: p.severity === 'danger',
      data: { url: p.url ?? '/' },
      // @ts-expect-error `actions` is in the Notifications API but not in every lib.dom version
      actions: [{ action: 'open', title: '확인 · Acknowledge' }],
    }),
  );
});

sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = /** @type {{url?: string}} */ (event.notification.data ?? {}).url ?? '/';
  // the link is same-origin (the dashboard's /ack/<token> page): one more tap acknowledges
  event.waitUntil(sw.clients.openWindow(new URL(url, sw.location.origin).href));
});
