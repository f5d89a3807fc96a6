// @ts-check
// The incident feed: cards (newest first, filtered), acknowledgement, live durations.
import { $, h } from './dom.js';
import { dateTimeOf, durationOf, formatDuration, hazardKo, severityChip, thumbUrl, timeOf } from './format.js';
import { zoneFor } from './incident-zones.js';
import { fillPlayer, loadHistory, openPlayer } from './player.js';
import { app } from './state.js';
import { renderCounters } from './counters.js';

/** @typedef {import('./types.js').IncidentSummary} IncidentSummary */

/** @param {IncidentSummary} inc */
function visible(inc) {
  if (app.filter === 'open') return inc.state === 'open';
  if (app.filter === 'unacked') return inc.state === 'open' && !inc.acknowledgedAt;
  return true;
}

/** @param {IncidentSummary} inc */
function ackButton(inc) {
  return h(
    'button',
    {
      type: 'button',
      class: 'ack-btn',
      'data-action': 'ack',
      title: '확인 처리 · acknowledge',
      onclick: (/** @type {Event} */ e) => {
        e.stopPropagation();
        void acknowledgeIncident(inc.incidentId);
      },
    },
    '확인 ',
    h('span', { class: 'en' }, 'Ack'),
  );
}

/** @param {IncidentSummary} inc */
function incidentCard(inc) {
  const acked = Boolean(inc.acknowledgedAt);
  const zone = zoneFor(inc);
  return h(
    'li',
    {
      class: 'inc',
      tabindex: 0,
      role: 'button',
      dataset: { incidentId: inc.incidentId, severity: inc.severity, state: inc.state, acked: String(acked) },
      onclick: () => openPlayer(inc.incidentId),
      onkeydown: (/** @type {KeyboardEvent} */ e) => {
        if (e.key === 'Enter') openPlayer(inc.incidentId);
      },
    },
    h('div', {
      class: 'inc-thumb',
      style: inc.thumbClip ? `background-image:url("${thumbUrl(inc.cameraId, inc.thumbClip)}")` : '',
    }),
    h(
      'div',
      { class: 'inc-main' },
      h(
        'div',
        { class: 'inc-top' },
        severityChip(inc.severity),
        h('span', { class: 'inc-type' }, hazardKo(inc.hazardType)),
        h('span', { class: 'inc-code' }, inc.hazardType),
      ),
      h('p', { class: 'inc-summary', title: inc.summary }, inc.summary),
      h(
        'div',
        { class: 'inc-foot' },
        h('span', { class: 'cam-ref' }, inc.cameraId),
        zone ? h('span', { class: 'inc-zone', title: '구역 · zone' }, `◩ ${zone}`) : null,
        h('span', { title: dateTimeOf(inc.openedAt) }, timeOf(inc.openedAt)),
        h('span', { class: 'dur', 'data-role': 'duration' }, formatDuration(durationOf(inc))),
        h(
          'span',
          { class: 'inc-state' },
          // issue #28.4: its camera gave no verdict since then (offline, removed, stack stopped)
          inc.state === 'open' && inc.unobservedSince
            ? h(
                'span',
                { class: 'chip uncertain', title: dateTimeOf(inc.unobservedSince) },
                `관측 없음 · unobserved since ${timeOf(inc.unobservedSince)}`,
              )
            : null,
          inc.state === 'resolved'
            ? h(
                'span',
                { class: 'chip muted', ...(inc.unobservedSince ? { title: dateTimeOf(inc.unobservedSince) } : {}) },
                inc.reason === 'unobserved' ? '해제 · resolved unobserved' : '해제 · resolved',
              )
            : null,
          acked ? h('span', { class: 'acked', title: dateTimeOf(inc.acknowledgedAt) }, '✓ 확인됨 · acked') : null,
          inc.state === 'open' && !acked ? ackButton(inc) : null,
        ),
      ),
    ),
  );
}

export function renderFeed() {
  const list = [...app.incidents.values()]
    .sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt))
    .filter(visible);
  const feed = $('feed');
  const flashing = new Set(
    [...feed.querySelectorAll('.inc.flash')].map((n) => /** @type {HTMLElement} */ (n).dataset.incidentId),
  );
  feed.replaceChildren(
    ...list.map((inc) => {
      const card = incidentCard(inc);
      if (flashing.has(inc.incidentId) && !inc.acknowledgedAt) card.classList.add('flash');
      return card;
    }),
  );
  $('feed-empty').hidden = list.length > 0;
}

/** Every second: the open incidents' durations. */
export function tickFeed() {
  for (const el of document.querySelectorAll('.inc[data-state="open"] [data-role="duration"]')) {
    const id = /** @type {HTMLElement | null} */ (el.closest('.inc'))?.dataset.incidentId;
    const inc = id === undefined ? undefined : app.incidents.get(id);
    if (inc) el.textContent = formatDuration(durationOf(inc));
  }
}

/** @param {string} id */
export async function acknowledgeIncident(id) {
  const res = await fetch(`/api/incidents/${encodeURIComponent(id)}/ack`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (res.status === 401) return void location.assign('/login'); // session expired: the server records who acknowledges
  if (res.ok) upsertIncident(/** @type {IncidentSummary} */ (await res.json())); // the SSE echo arrives too; this just makes it instant
}

/** @param {IncidentSummary} inc a new or changed incident (SSE, or the answer to an acknowledgement) */
export function upsertIncident(inc) {
  const prev = app.incidents.get(inc.incidentId);
  if (prev && prev.rev > inc.rev) return; // an older copy arriving late
  app.incidents.set(inc.incidentId, inc);
  renderFeed();
  renderCounters();
  if (app.selected === inc.incidentId) {
    fillPlayer(inc, false);
    void loadHistory(inc.incidentId);
  }
}
