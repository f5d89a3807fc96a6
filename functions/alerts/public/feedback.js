// @ts-check
// Operator feedback (issue #16): mark an incident or a verdict as "false alarm" or "missed hazard"
// with the hazards concerned, and show the counts per hazard. No inline script, untrusted text
// only via textContent.
import { $, h, one } from './dom.js';
import { dateTimeOf, hazardKo } from './format.js';
import { HAZARD_TYPES } from './labels.js';

/** @typedef {{ kind: 'incident' | 'verdict', id: string }} FeedbackTarget */
/** @typedef {'false_alarm' | 'missed_hazard'} FeedbackKind */
/**
 * @typedef {object} TargetView what GET /api/feedback/target answers
 * @property {{ status: string, hazards: string[] }} predicted
 * @property {string} clipPath
 * @property {{ kind: FeedbackKind, hazards: string[], by: string, at: string }[]} feedback
 */

const counts = h('div', { class: 'fb-counts', id: 'fb-counts' }, '–');
const title = h('h3', { id: 'fb-title' });
const predicted = h('p', { class: 'fb-predicted', id: 'fb-predicted' });
const falseBox = h('fieldset', { id: 'fb-false' });
const missedBox = h('fieldset', { id: 'fb-missed' });
const existing = h('ul', { class: 'fb-existing', id: 'fb-existing' });
const msg = h('p', { class: 'fb-msg', id: 'fb-msg', role: 'status' });
const dialog = h(
  'div',
  { class: 'overlay fb-overlay', id: 'fb-dialog', hidden: true },
  h(
    'div',
    { class: 'player-card fb-card', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'fb-title' },
    h(
      'div',
      { class: 'player-head' },
      h('div', {}, h('div', { class: 'player-kicker' }, '피드백 · feedback'), title),
      h('button', { type: 'button', class: 'icon-btn', id: 'fb-close', title: '닫기 · close', onclick: close }, '✕'),
    ),
    h('div', { class: 'player-body' }, predicted, falseBox, missedBox, msg, existing),
  ),
);
/** @type {FeedbackTarget | null} */
let current = null;

/** @param {string} path @param {unknown} body */
const post = (path, body) =>
  fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function refreshCounts() {
  const res = await fetch('/api/feedback', { cache: 'no-store' }).catch(() => null);
  if (!res || !res.ok) return;
  const body = /** @type {{ counts: Record<string, { false_alarm: number, missed_hazard: number }> }} */ (
    await res.json()
  );
  const rows = Object.entries(body.counts);
  counts.replaceChildren(
    ...(rows.length
      ? rows.map(([hz, c]) =>
          h(
            'div',
            { class: 'fb-count', dataset: { hazard: hz } },
            h('span', { class: 'fb-h' }, hazardKo(hz)),
            h('span', { class: 'fb-fa', title: 'false alarms' }, `오탐 ${c.false_alarm}`),
            h('span', { class: 'fb-mh', title: 'missed hazards' }, `놓침 ${c.missed_hazard}`),
          ),
        )
      : ['없음 · none yet']),
  );
}

function close() {
  dialog.hidden = true;
  current = null;
}

/**
 * @param {HTMLElement} box @param {string} legend @param {FeedbackKind} kind
 * @param {readonly string[]} hazards @param {string} button
 */
function checkboxes(box, legend, kind, hazards, button) {
  box.replaceChildren(h('legend', {}, legend));
  if (hazards.length === 0) return box.append(h('span', { class: 'fb-none' }, '해당 없음 · nothing to mark'));
  for (const hz of hazards)
    box.append(
      h(
        'label',
        { class: 'fb-hz' },
        h('input', { type: 'checkbox', value: hz, name: kind }),
        ` ${hazardKo(hz)} `,
        h('span', { class: 'en' }, hz),
      ),
    );
  box.append(
    h('button', { type: 'button', class: 'ack-btn', dataset: { kind }, onclick: () => submit(kind, box) }, button),
  );
}

/** @param {FeedbackKind} kind @param {HTMLElement} box */
async function submit(kind, box) {
  const hazards = [...box.querySelectorAll('input:checked')].map((i) => /** @type {HTMLInputElement} */ (i).value);
  if (hazards.length === 0) {
    msg.textContent = '위험 유형을 고르세요 · pick at least one hazard';
    return;
  }
  const res = await post('/api/feedback', { target: current, kind, hazards });
  const body = /** @type {{ error?: string }} */ (await res.json().catch(() => ({})));
  msg.textContent = res.ok ? '저장됨 · saved' : `실패 · failed: ${body.error || res.status}`;
  if (res.ok && current) {
    await load(current);
    await refreshCounts();
  }
}

/** @param {FeedbackKind} kind */
async function remove(kind) {
  const res = await post('/api/feedback/remove', { target: current, kind });
  msg.textContent = res.ok ? '삭제됨 · removed' : `실패 · failed: ${res.status}`;
  if (current) await load(current);
  await refreshCounts();
}

/** @param {FeedbackTarget} target */
async function load(target) {
  const res = await fetch(
    `/api/feedback/target?kind=${encodeURIComponent(target.kind)}&id=${encodeURIComponent(target.id)}`,
    { cache: 'no-store' },
  );
  const body = /** @type {Partial<TargetView> & { error?: string }} */ (await res.json().catch(() => ({})));
  if (!res.ok || !body.predicted || !body.feedback) {
    msg.textContent = body.error || `HTTP ${res.status}`;
    falseBox.replaceChildren();
    missedBox.replaceChildren();
    existing.replaceChildren();
    return;
  }
  const said = body.predicted.hazards;
  title.textContent = `${target.kind === 'incident' ? '사건 · incident' : '판정 · verdict'} ${target.id}`;
  predicted.textContent = `모델 · model: ${body.predicted.status}${said.length ? ` — ${said.map(hazardKo).join(', ')}` : ''} · clip ${body.clipPath}`;
  checkboxes(falseBox, '오탐 · false alarm (not there)', 'false_alarm', said, '오탐으로 표시 · mark false alarm');
  checkboxes(
    missedBox,
    '놓친 위험 · missed hazard (there, not reported)',
    'missed_hazard',
    HAZARD_TYPES.filter((x) => !said.includes(x)),
    '놓침으로 표시 · mark missed',
  );
  existing.replaceChildren(
    ...body.feedback.map((f) =>
      h(
        'li',
        { dataset: { kind: f.kind } },
        `${f.kind === 'false_alarm' ? '오탐' : '놓침'} · ${f.hazards.map(hazardKo).join(', ')} — ${f.by}, ${dateTimeOf(f.at)} `,
        h('button', { type: 'button', class: 'link fb-remove', onclick: () => remove(f.kind) }, '취소 · undo'),
      ),
    ),
  );
}

/** @param {FeedbackTarget} target */
async function open(target) {
  current = target;
  msg.textContent = '';
  dialog.hidden = false;
  await load(target);
}

/** Adds the feedback counter and dialog, and its two ways in: the player (an incident) and a verdict row. */
export function startFeedback() {
  $('counters').append(
    h(
      'div',
      { class: 'counter wide', dataset: { counter: 'feedback' } },
      h('div', { class: 'c-label' }, '피드백 ', h('span', { class: 'en' }, 'operator feedback per hazard')),
      counts,
    ),
  );
  document.body.append(dialog);
  // An incident: from the player (player.js sets .player-card[data-incident-id] for incidents only).
  const card = one('.player-card');
  const button = h(
    'button',
    {
      type: 'button',
      class: 'ack-btn fb-open',
      id: 'player-feedback',
      hidden: true,
      onclick: () => card.dataset.incidentId && open({ kind: 'incident', id: card.dataset.incidentId }),
    },
    '피드백 ',
    h('span', { class: 'en' }, 'Feedback'),
  );
  one('.player-actions').append(button);
  new MutationObserver(() => {
    button.hidden = !card.dataset.incidentId;
  }).observe(card, { attributes: true, attributeFilter: ['data-incident-id'] });
  // A verdict: click its row in "recent verdicts" (verdicts.js puts the job id on each row).
  $('verdicts').addEventListener('click', (ev) => {
    const li = /** @type {HTMLElement | null} */ (/** @type {Element} */ (ev.target).closest('li[data-job-id]'));
    if (li?.dataset.jobId) void open({ kind: 'verdict', id: li.dataset.jobId });
  });
  document.addEventListener(
    'keydown',
    (ev) => {
      if (ev.key === 'Escape' && !dialog.hidden) {
        ev.stopImmediatePropagation();
        close();
      }
    },
    true,
  );
  void refreshCounts();
  setInterval(() => void refreshCounts(), 15000);
}
