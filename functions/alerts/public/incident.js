// @ts-check
/**
 * The incident page's "Acknowledge" for a logged-in operator: POSTs JSON to the dashboard API (the
 * session cookie is SameSite=Strict and state changes are JSON only, so a cross-site form cannot do this).
 */
const form = /** @type {HTMLFormElement | null} */ (document.getElementById('ack-form'));
if (form) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const id = form.dataset.incident ?? '';
    const res = await fetch(`/api/incidents/${encodeURIComponent(id)}/ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    if (res.ok) location.reload();
  });
}
