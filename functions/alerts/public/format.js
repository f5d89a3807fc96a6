// @ts-check
// Pure formatters and small chips shared by the dashboard's panels.
import { h } from './dom.js';
import { HAZARD_LABEL_KO, STATUS_LABEL_KO, formatDuration } from './labels.js';
import { now } from './state.js';

/** @typedef {import('./types.js').Severity} Severity */

/** @type {Record<Severity, string>} */
export const SEVERITY_LABEL = { danger: '위험', warning: '경고' };
/** @type {Record<Severity, string>} */
const SEVERITY_EN = { danger: 'DANGER', warning: 'WARNING' };

/** @param {string | undefined} iso */
export const timeOf = (iso) => (iso ? new Date(iso).toLocaleTimeString('en-GB', { hour12: false }) : '–');
/** @param {string | undefined} iso */
export const dateTimeOf = (iso) => (iso ? new Date(iso).toLocaleString('sv-SE', { hour12: false }) : '–');
/** @param {string | undefined} iso */
export const ago = (iso) => (iso ? `${formatDuration(now() - Date.parse(iso))} 전` : '–');
/** @param {string} type a hazard type (or camera_offline); unknown ones show as they are */
export const hazardKo = (type) => /** @type {Record<string, string>} */ (HAZARD_LABEL_KO)[type] || type;
/** @param {string} p a clip path relative to CLIPS_DIR */
export const clipUrl = (p) => `/clips/${p.split('/').map(encodeURIComponent).join('/')}`;
/** @param {string} cameraId @param {string} clip */
export const thumbUrl = (cameraId, clip) =>
  `/thumbs/${encodeURIComponent(cameraId)}.jpg?clip=${encodeURIComponent(clip)}`;

/**
 * How long an incident has lasted: until it was resolved, or until now.
 * @param {{ state: string, resolvedAt?: string | undefined, openedAt: string }} inc
 */
export const durationOf = (inc) =>
  (inc.state === 'resolved' && inc.resolvedAt ? Date.parse(inc.resolvedAt) : now()) - Date.parse(inc.openedAt);

/** @param {string} status a verdict status */
export function statusChip(status) {
  return h(
    'span',
    { class: `chip ${status}` },
    /** @type {Record<string, string>} */ (STATUS_LABEL_KO)[status] || status,
    ' ',
    h('span', { class: 'en' }, status),
  );
}

/** @param {Severity} sev */
export function severityChip(sev) {
  return h('span', { class: `chip ${sev}` }, SEVERITY_LABEL[sev], ' ', SEVERITY_EN[sev]);
}

export { formatDuration };
