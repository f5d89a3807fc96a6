/** Public surface of the alerts function. */
export { startAlerts } from './app/start-alerts';
export type { AlertsDeps, RunningAlerts } from './app/start-alerts';
export { ACCEPTED_TYPES } from './handler';
export type { DashboardState, DashboardIncidentSummary } from './adapters/live-state';
export type { DashboardIncident, HistoryEntry } from './core/incidents';
export type { CameraView } from './core/cameras';
export type { Counters } from './core/counters';
// Access control for routes added by other parts of alerts (cameras: admin, feedback: operator).
export { requireRole, identityOf } from './adapters/auth-http';
export type { Identity, Role } from './core/auth';
