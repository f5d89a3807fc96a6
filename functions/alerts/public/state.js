// @ts-check
// The dashboard page's state: one object, owned here, changed by the modules that render it.

/** @typedef {import('./types.js').CameraView} CameraView */
/** @typedef {import('./types.js').IncidentSummary} IncidentSummary */
/** @typedef {import('./types.js').StoredVerdict} StoredVerdict */
/** @typedef {import('./types.js').Counters} Counters */

/**
 * @typedef {object} PageState
 * @property {CameraView[]} cameras
 * @property {Map<string, IncidentSummary>} incidents
 * @property {StoredVerdict[]} verdicts
 * @property {Counters | null} counters
 * @property {'all' | 'open' | 'unacked'} filter
 * @property {string | null} selected the incident open in the player
 * @property {boolean} sound
 * @property {number} alarms
 * @property {number} skew server clock − browser clock (ms), so durations tick from the server's notion of now
 */

/** @type {PageState} */
export const app = {
  cameras: [],
  incidents: new Map(),
  verdicts: [],
  counters: null,
  filter: 'all',
  selected: null,
  sound: false,
  alarms: 0,
  skew: 0,
};

/** The server's notion of now (ms). */
export const now = () => Date.now() + app.skew;
