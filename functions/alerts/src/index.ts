/** Public surface of the alerts function. */
export { startAlerts } from './app';
export type { AlertsDeps, RunningAlerts } from './app';
export { ACCEPTED_TYPES } from './handler';
export type { DashboardState, IncidentSummary } from './adapters/live-state';
export type { IncidentRecord, HistoryEntry } from './core/incidents';
export type { CameraView } from './core/cameras';
export type { Counters } from './core/counters';
