// @ts-check
// The shapes the dashboard receives, named once for the modules' JSDoc (the server's own types).

/**
 * An incident as the feed has it (the server's DashboardIncidentSummary: without its history,
 * plus the count and the thumbnail clip). Spelled out because `Omit` over the alert data's open
 * schema (an index signature) would erase its named fields.
 * @typedef {import('../src/core/incidents').DashboardIncident & { readonly historyCount: number, readonly thumbClip: string }} IncidentSummary
 */
/** @typedef {import('../src/core/incidents').DashboardIncident} FullIncident */
/** @typedef {Omit<import('../src/adapters/live-state').DashboardState, 'incidents'> & { readonly incidents: readonly IncidentSummary[] }} DashboardState */
/** @typedef {import('../src/core/incidents').HistoryEntry} HistoryEntry */
/** @typedef {import('../src/core/cameras').CameraView} CameraView */
/** @typedef {import('../src/core/counters').Counters} Counters */
/** @typedef {import('../src/adapters/redis-store').StoredVerdict} StoredVerdict */
/** @typedef {import('../../shared/src/verdict').VerdictStatus} VerdictStatus */
/** @typedef {import('../../shared/src/verdict').Severity} Severity */
/** @typedef {import('../../shared/src/camera-registry/schema').CameraEntry} CameraEntry */
/** @typedef {import('../../shared/src/camera-registry/schema').Zone} Zone */
/** @typedef {import('../../shared/src/camera-registry/schema').ZoneKind} ZoneKind */

export {};
