// @ts-check
// The player dialog: an incident's clip, facts, hazards and timeline, or a camera's newest clip.
import { $, $as, h, one } from './dom.js';
import {
  clipUrl,
  dateTimeOf,
  durationOf,
  formatDuration,
  hazardKo,
  severityChip,
  statusChip,
  timeOf,
} from './format.js';
import { app } from './state.js';
import { playClip, stopClip } from './clip-play.js';

/** @typedef {import('./types.js').IncidentSummary} IncidentSummary */
/** @typedef {import('./types.js').FullIncident} FullIncident */

/** @type {Record<string, string>} */
const KIND_KO = { raised: '발생', updated: '갱신', resolved: '해제' };

const video = () => $as('player-video', HTMLVideoElement);
const download = () => $as('player-download', HTMLAnchorElement);

/** @param {string} clipPath */
const play = (clipPath) => playClip(video(), clipPath);

/** @param {[string, unknown][]} rows */
function facts(rows) {
  $('player-facts').replaceChildren(
    ...rows.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', { title: String(v) }, String(v)))),
  );
}

/** @param {string} id */
export function openPlayer(id) {
  const inc = app.incidents.get(id);
  if (!inc) return;
  app.selected = id;
  $('player-ack').hidden = false;
  fillPlayer(inc, true);
  $('player').hidden = false;
  void loadHistory(id);
}

/**
 * The incident's timeline (every alert event received); each entry plays its own clip.
 * @param {string} id
 */
export async function loadHistory(id) {
  const wrap = $('player-history-wrap');
  wrap.hidden = true;
  const res = await fetch(`/api/incidents/${encodeURIComponent(id)}`).catch(() => undefined);
  if (!res || !res.ok || app.selected !== id) return;
  const full = /** @type {FullIncident} */ (await res.json());
  const rows = [...full.history].reverse().map((e) =>
    h(
      'li',
      {
        title: e.summary,
        class: e.clipPath === full.clipPath ? 'current' : '',
        onclick: (/** @type {Event} */ ev) => {
          if (!e.clipPath) return;
          play(e.clipPath);
          $('player-history')
            .querySelectorAll('li')
            .forEach((li) => li.classList.toggle('current', li === ev.currentTarget));
        },
      },
      h('span', { class: 't' }, timeOf(e.analyzedAt)),
      h('span', {}, `${KIND_KO[e.kind] || e.kind} `, h('span', { class: 'en' }, e.kind)),
      statusChip(e.status),
      h('span', { class: 's' }, e.summary),
    ),
  );
  $('player-history').replaceChildren(...rows);
  wrap.hidden = rows.length === 0;
}

/**
 * Camera tile click: play the camera's newest clip (no incident, nothing to acknowledge).
 * @param {string} cameraId
 */
export function openCamera(cameraId) {
  const cam = app.cameras.find((c) => c.cameraId === cameraId);
  if (!cam || !cam.latestClip) return;
  app.selected = null;
  const card = one('.player-card');
  card.dataset.severity = cam.severity || '';
  card.dataset.incidentId = '';
  const state =
    cam.status === 'online' ? '온라인 · online' : cam.status === 'offline' ? '오프라인 · offline' : '대기 · waiting';
  $('player-kicker').replaceChildren(
    ...[cam.lastVerdict ? statusChip(cam.lastVerdict.status) : null, h('span', { class: 'chip muted' }, state)].filter(
      (x) => x !== null,
    ),
  );
  $('player-title').textContent = `${cam.cameraId} — 최신 클립 · latest clip`;
  $('player-summary').textContent = cam.lastVerdict ? cam.lastVerdict.summary : '';
  facts([
    ['카메라 · camera', cam.cameraId],
    ['클립 · clip', cam.latestClip],
    ['마지막 클립 · last clip', timeOf(cam.lastClipAt)],
    ['진행 중 사건 · open', cam.openIncidents],
  ]);
  $('player-hazards').replaceChildren();
  $('player-history-wrap').hidden = true;
  $('player-ack').hidden = true;
  video().hidden = false;
  download().hidden = false;
  download().href = clipUrl(cam.latestClip); // always the original, whatever the player shows
  play(cam.latestClip);
  $('player').hidden = false;
}

/**
 * Shows an incident in the player; `load` (re)starts its clip.
 * @param {IncidentSummary} inc
 * @param {boolean} load
 */
export function fillPlayer(inc, load) {
  const card = one('.player-card');
  card.dataset.severity = inc.severity;
  card.dataset.incidentId = inc.incidentId;
  $('player-kicker').replaceChildren(
    ...[
      severityChip(inc.severity),
      inc.status !== inc.severity ? statusChip(inc.status) : null,
      h('span', { class: 'chip muted' }, inc.state === 'resolved' ? '해제 · resolved' : '진행 중 · open'),
    ].filter((x) => x !== null),
  );
  $('player-title').textContent = `${hazardKo(inc.hazardType)} — ${inc.cameraId}`;
  $('player-summary').textContent = inc.summary;
  facts([
    ['카메라 · camera', inc.cameraId],
    ['발생 · opened', dateTimeOf(inc.openedAt)],
    ['지속 · duration', formatDuration(durationOf(inc))],
    ['클립 수 · clips', inc.clipCount ?? inc.historyCount ?? '–'],
    ['촬영 · captured', timeOf(inc.capturedAt)],
    ['분석 · analyzed', timeOf(inc.analyzedAt)],
    ['모델 · model', inc.model],
    ['확인 · ack', inc.acknowledgedAt ? `${timeOf(inc.acknowledgedAt)} ${inc.acknowledgedBy || ''}` : '미확인 · no'],
  ]);
  $('player-hazards').replaceChildren(
    ...inc.hazards.map((z) =>
      h('li', {}, h('strong', {}, hazardKo(z.type)), ` (${Math.round(z.confidence * 100)}%) — `, z.description),
    ),
  );
  const ack = $as('player-ack', HTMLButtonElement);
  ack.disabled = Boolean(inc.acknowledgedAt) || inc.state === 'resolved';
  ack.replaceChildren(
    inc.acknowledgedAt ? '✓ 확인됨 ' : '확인 ',
    h('span', { class: 'en' }, inc.acknowledgedAt ? 'Acknowledged' : 'Acknowledge'),
  );
  const src = inc.clipPath ? clipUrl(inc.clipPath) : '';
  video().hidden = !src; // e.g. a camera-offline incident has no evidence clip
  download().hidden = !src;
  download().href = src;
  if (load && inc.clipPath && video().dataset.clip !== inc.clipPath) play(inc.clipPath);
}

export function closePlayer() {
  app.selected = null;
  $('player-history').replaceChildren();
  $('player').hidden = true;
  stopClip(video());
}
