// @ts-check
// The live stream (server-sent events): the first `state` message, then incidents, verdicts,
// cameras and counters as they change.
import { alarm } from './alarm.js';
import { renderCounters } from './counters.js';
import { $, one } from './dom.js';
import { renderFeed, upsertIncident } from './feed.js';
import { app } from './state.js';
import { renderCameras } from './tiles.js';
import { renderVerdicts } from './verdicts.js';

/** @typedef {import('./types.js').DashboardState} DashboardState */
/** @typedef {import('./types.js').IncidentSummary} IncidentSummary */

/** @param {DashboardState} s */
function applyState(s) {
  app.skew = Date.parse(s.serverTime) - Date.now();
  app.cameras = [...s.cameras];
  app.incidents = new Map(s.incidents.map((i) => [i.incidentId, i]));
  app.verdicts = [...s.verdicts];
  app.counters = s.counters;
  renderCameras();
  renderFeed();
  renderVerdicts();
  renderCounters();
}

/**
 * @param {MessageEvent} e
 * @returns {any} the message's JSON (shapes: DashboardState, StoreUpdate records, CameraView[], Counters)
 */
const data = (e) => JSON.parse(String(e.data));

/** @param {string} state @param {string} label */
function setConnection(state, label) {
  const conn = $('conn');
  conn.dataset.state = state;
  one('.conn-label', conn).textContent = label;
}

export function connect() {
  const es = new EventSource('/api/stream');
  es.addEventListener('open', () => setConnection('live', '실시간 · live'));
  es.addEventListener('error', () => {
    setConnection(es.readyState === EventSource.CLOSED ? 'down' : 'connecting', '재연결 중 · reconnecting');
    // A non-200 answer (401: session expired; 429: too many streams) closes an EventSource for good:
    // find out which, then log in again or retry later.
    if (es.readyState === EventSource.CLOSED) {
      setTimeout(() => {
        void fetch('/api/state', { method: 'HEAD' })
          .catch(() => undefined)
          .then((probe) => (probe && probe.status === 401 ? location.assign('/login') : connect()));
      }, 10000);
    }
  });
  es.addEventListener('state', (e) => applyState(data(e)));
  es.addEventListener('incident', (e) => {
    const { incident, alert } = /** @type {{ incident: IncidentSummary, alert: boolean }} */ (data(e));
    upsertIncident(incident);
    if (alert) alarm(incident);
  });
  es.addEventListener('verdict', (e) => {
    app.verdicts.unshift(data(e));
    app.verdicts.length = Math.min(app.verdicts.length, 50);
    renderVerdicts();
  });
  es.addEventListener('cameras', (e) => {
    app.cameras = data(e);
    renderCameras();
    renderCounters();
  });
  es.addEventListener('counters', (e) => {
    app.counters = data(e);
    renderCounters();
  });
}
