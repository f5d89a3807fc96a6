// @ts-check
// The counters strip: open incidents, queue, throughput, replicas, cameras, verdicts by status.
import { $, h, one } from './dom.js';
import { STATUS_LABEL_KO } from './labels.js';
import { app } from './state.js';

/** @type {readonly ('danger' | 'warning' | 'safe' | 'uncertain')[]} */
const STATUSES = ['danger', 'warning', 'safe', 'uncertain'];
const COLOURS = {
  danger: 'var(--danger)',
  warning: 'var(--warning)',
  safe: 'var(--safe)',
  uncertain: 'var(--uncertain)',
};

export function renderCounters() {
  const c = app.counters;
  if (!c) return;
  $('c-open').textContent = String(c.openIncidents);
  $('c-unacked').textContent = c.unacknowledged
    ? `미확인 ${c.unacknowledged} · unacked`
    : '모두 확인됨 · all acknowledged';
  const open = [...app.incidents.values()].filter((i) => i.state === 'open');
  const hot = open.some((i) => i.severity === 'danger') ? 'danger' : open.length ? 'warning' : '';
  one('[data-counter="open"]').dataset.hot = hot;
  $('c-queue').textContent = String(c.queueDepth);
  $('c-rate').textContent = String(c.verdictsPerMin);
  $('c-keda').textContent = c.localReplicas
    ? `${c.localReplicas.running}/${c.localReplicas.desired}`
    : String(c.kedaReplicas);
  const kedaRule = `${c.keda.listLength} queued${c.keda.inFlightLength ? ` · ${c.keda.inFlightLength} in flight` : ''} /replica · min ${c.keda.minReplicas} · max ${c.keda.maxReplicas}`;
  // npm start runs its own KEDA + HPA equivalent: show running/desired and why it last changed
  $('c-keda-sub').textContent = c.localReplicas
    ? `running/desired · ${c.localReplicas.reason}`
    : `${kedaRule} · by ${c.kedaBy}`;
  $('c-keda-sub').title = `${kedaRule} · in flight ${c.inFlight}`;
  $('c-cams').textContent = `${c.camerasOnline}/${c.camerasTotal}`;
  const offline = app.cameras.filter((x) => x.status === 'offline').length;
  // no recorder heard from at all (capture dead or hung, issue #28.2): its own state, not "offline ×N"
  $('c-cams-sub').textContent =
    c.recorders === 'none-alive'
      ? '녹화기 응답 없음 · no recorder alive'
      : offline
        ? `오프라인 ${offline} · offline`
        : 'all reporting';
  $('c-cams-sub').classList.toggle('alarm', c.recorders === 'none-alive');
  const byStatus = c.verdictsByStatus;
  const total = Object.values(byStatus).reduce((a, b) => a + b, 0) || 1;
  $('c-verdicts').replaceChildren(
    ...STATUSES.map((s) =>
      h(
        'div',
        { class: 'sbar', dataset: { status: s } },
        h(
          'div',
          { class: 'sb-top' },
          h('span', {}, `${STATUS_LABEL_KO[s]} `, h('span', { class: 'en' }, s)),
          h('span', { class: 'sb-num' }, byStatus[s]),
        ),
        h(
          'div',
          { class: 'sb-track' },
          h('div', { class: 'sb-fill', style: `width:${(100 * byStatus[s]) / total}%;background:${COLOURS[s]}` }),
        ),
      ),
    ),
  );
}
