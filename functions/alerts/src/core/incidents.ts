import { AlertSchema, type AlertData } from '../../../shared/src/events';
import type { Severity } from '../../../shared/src/verdict';

/** The three alert lifecycle events, by their short name. */
export type AlertEventKind = 'raised' | 'updated' | 'resolved';

/** One received alert event, kept in the incident's history. */
export interface HistoryEntry {
  /** CloudEvent id (redelivery of the same id is ignored). */
  readonly eventId: string;
  readonly kind: AlertEventKind;
  readonly status: AlertData['status'];
  readonly severity: Severity;
  readonly summary: string;
  readonly clipPath: string;
  readonly analyzedAt: string;
  /** When this function received it. */
  readonly receivedAt: string;
}

/**
 * An incident as the dashboard stores and shows it: the latest alert data (by `analyzedAt`),
 * acknowledgement and the history of every event received for it. Named apart from inference's
 * `Incident` (the engine's state, functions/inference/src/core/incidents.ts): "incident" alone
 * means the engine's; the JSON fields, routes (`/api/incidents`) and Redis keys keep their names.
 */
export interface DashboardIncident extends AlertData {
  /** Bumped on every change; the Redis write is a compare-and-set on it. */
  readonly rev: number;
  /** Kind of the newest event applied to the latest fields. */
  readonly lastEvent: AlertEventKind;
  /** Highest severity ever seen for this incident. */
  readonly peakSeverity: Severity;
  readonly acknowledgedAt?: string;
  readonly acknowledgedBy?: string;
  /** An acknowledgement given before a warning → danger escalation cleared it (issue #24). */
  readonly previousAcknowledgedAt?: string;
  readonly previousAcknowledgedBy?: string;
  /**
   * Set while its camera produces no verdict (issue #28.4, core/observation.ts): the time of the
   * camera's last verdict. Cleared when verdicts return; kept on an incident resolved unobserved.
   */
  readonly unobservedSince?: string;
  /** Received at (first and latest), this function's clock. */
  readonly firstReceivedAt: string;
  readonly lastReceivedAt: string;
  /** Oldest first; capped at {@link HISTORY_CAP} (the first entry is always kept). */
  readonly history: readonly HistoryEntry[];
}

/** One alert CloudEvent, decoded and validated. */
export interface AlertEventInput {
  readonly eventId: string;
  readonly kind: AlertEventKind;
  readonly data: AlertData;
  readonly receivedAt: string;
}

/**
 * What applying an event did.
 * - `created`: first event for this incident id (whatever its kind: events may arrive out of order).
 * - `updated`: newer than what we had; latest fields replaced.
 * - `stale`: older than what we had (by `analyzedAt`); only recorded in the history.
 * - `duplicate`: the same CloudEvent id again (redelivery); nothing changes.
 */
export type ApplyKind = 'created' | 'updated' | 'stale' | 'duplicate';

export interface Applied {
  readonly kind: ApplyKind;
  readonly record: DashboardIncident;
  /**
   * True when browsers should treat this as a new alarm (flash + sound): a new open incident,
   * or an open one escalating from warning to danger (acknowledged or not: the escalation clears
   * the acknowledgement, which covered the warning).
   */
  readonly alert: boolean;
}

/** Events kept per incident (first + newest). */
export const HISTORY_CAP = 50;

const KIND_RANK: Record<AlertEventKind, number> = { raised: 0, updated: 1, resolved: 2 };
const SEVERITY_RANK: Record<Severity, number> = { warning: 0, danger: 1 };

/** Maps a CloudEvent type (`com.safetyhanta.alert.raised` …) to its kind; undefined for other types. */
export function alertKindOf(type: string): AlertEventKind | undefined {
  const m = /^com\.safetyhanta\.alert\.(raised|updated|resolved)$/.exec(type);
  return m ? (m[1] as AlertEventKind) : undefined;
}

/** The higher of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

function isNewer(ev: AlertEventInput, rec: DashboardIncident): boolean {
  const a = Date.parse(ev.data.analyzedAt);
  const b = Date.parse(rec.analyzedAt);
  if (a !== b) return a > b;
  return KIND_RANK[ev.kind] >= KIND_RANK[rec.lastEvent];
}

function historyEntry(ev: AlertEventInput): HistoryEntry {
  const d = ev.data;
  return {
    eventId: ev.eventId,
    kind: ev.kind,
    status: d.status,
    severity: d.severity,
    summary: d.summary,
    clipPath: d.clipPath,
    analyzedAt: d.analyzedAt,
    receivedAt: ev.receivedAt,
  };
}

function appendHistory(history: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  const sorted = [...history, entry].sort(
    (x, y) => Date.parse(x.analyzedAt) - Date.parse(y.analyzedAt) || KIND_RANK[x.kind] - KIND_RANK[y.kind],
  );
  if (sorted.length <= HISTORY_CAP) return sorted;
  const first = sorted[0];
  return first ? [first, ...sorted.slice(sorted.length - HISTORY_CAP + 1)] : sorted;
}

/** The alert fields the contract names (docs/architecture.md §3.5); everything else in an event's data is dropped. */
const ALERT_FIELDS = Object.keys(AlertSchema.shape);

/**
 * The alert data with only the contract's fields (issue #18.8): the schema keeps unknown extra
 * fields, and spread into the record they overwrote what only this store sets (`acknowledgedAt`,
 * `rev`, `history` …), so an alert could arrive already acknowledged; and a large unknown field
 * would be stored and served with every `/api/state`.
 */
function alertFields(d: AlertData): AlertData {
  const src = d as Record<string, unknown>;
  return Object.fromEntries(ALERT_FIELDS.filter((k) => src[k] !== undefined).map((k) => [k, src[k]])) as AlertData;
}

/**
 * Applies one alert event to the stored incident (pure reducer).
 *
 * Ordering rules (Knative may redeliver and reorder):
 * - the latest fields come from the event with the newest `analyzedAt` (ties: raised < updated < resolved);
 * - `resolved` is terminal: once seen, the incident stays resolved even if an older or equal-time
 *   `updated` arrives afterwards (its data still lands in the history);
 * - `openedAt` is the earliest one reported; the acknowledgement is never cleared.
 */
export function applyAlertEvent(prev: DashboardIncident | undefined, ev: AlertEventInput): Applied {
  const d = alertFields(ev.data);
  if (!prev) {
    const record: DashboardIncident = {
      ...d,
      rev: 1,
      lastEvent: ev.kind,
      peakSeverity: d.severity,
      firstReceivedAt: ev.receivedAt,
      lastReceivedAt: ev.receivedAt,
      history: [historyEntry(ev)],
      ...(ev.kind === 'resolved' ? { state: 'resolved' as const, resolvedAt: d.resolvedAt ?? d.analyzedAt } : {}),
    };
    return { kind: 'created', record, alert: record.state === 'open' };
  }
  if (prev.history.some((h) => h.eventId === ev.eventId)) return { kind: 'duplicate', record: prev, alert: false };

  const newer = isNewer(ev, prev);
  const escalated = newer && SEVERITY_RANK[d.severity] > SEVERITY_RANK[prev.peakSeverity];
  // An acknowledgement covers the severity it was given at (issue #24): warning → danger clears it and
  // alarms again; the old one is kept as `previousAcknowledged*`.
  const ackCleared = escalated && prev.acknowledgedAt !== undefined;
  const resolvedBefore = prev.state === 'resolved';
  const merged: DashboardIncident = newer ? { ...prev, ...d, lastEvent: ev.kind } : prev;
  const { acknowledgedAt: _at, acknowledgedBy: _by, ...unacknowledged } = merged;
  const base: DashboardIncident = ackCleared ? unacknowledged : merged;
  const resolved = resolvedBefore || ev.kind === 'resolved' || (newer && d.state === 'resolved');
  const resolvedAt = resolvedBefore ? prev.resolvedAt : resolved ? (d.resolvedAt ?? d.analyzedAt) : undefined;
  const openedAt = Date.parse(d.openedAt) < Date.parse(prev.openedAt) ? d.openedAt : prev.openedAt;
  const record: DashboardIncident = {
    ...base,
    state: resolved ? 'resolved' : 'open',
    ...(resolvedAt ? { resolvedAt } : {}),
    openedAt,
    peakSeverity: maxSeverity(prev.peakSeverity, d.severity),
    ...(prev.acknowledgedAt && !ackCleared ? { acknowledgedAt: prev.acknowledgedAt } : {}),
    ...(prev.acknowledgedBy && !ackCleared ? { acknowledgedBy: prev.acknowledgedBy } : {}),
    ...(ackCleared ? { previousAcknowledgedAt: prev.acknowledgedAt } : {}),
    ...(ackCleared && prev.acknowledgedBy ? { previousAcknowledgedBy: prev.acknowledgedBy } : {}),
    firstReceivedAt: prev.firstReceivedAt,
    lastReceivedAt: ev.receivedAt,
    rev: prev.rev + 1,
    history: appendHistory(prev.history, historyEntry(ev)),
  };
  const alert = escalated && record.state === 'open' && !record.acknowledgedAt;
  return { kind: newer ? 'updated' : 'stale', record, alert };
}

/**
 * Acknowledges an incident (pure). Acknowledging twice keeps the first time and person.
 * Later events of the same severity update it silently; an escalation warning → danger clears the
 * acknowledgement and alarms again (applyAlertEvent).
 */
export function acknowledge(prev: DashboardIncident, at: string, by: string | undefined): DashboardIncident {
  if (prev.acknowledgedAt) return prev;
  return { ...prev, acknowledgedAt: at, ...(by ? { acknowledgedBy: by } : {}), rev: prev.rev + 1 };
}

/** Marks an open incident unobserved since `since` (pure); unchanged when already marked or not open. */
export function markUnobserved(prev: DashboardIncident, since: string): DashboardIncident {
  if (prev.state !== 'open' || prev.unobservedSince !== undefined) return prev;
  return { ...prev, unobservedSince: since, rev: prev.rev + 1 };
}

/** Its camera is judged again: clears the mark (pure); unchanged when not marked or not open. */
export function markObserved(prev: DashboardIncident): DashboardIncident {
  if (prev.state !== 'open' || prev.unobservedSince === undefined) return prev;
  const { unobservedSince: _since, ...rest } = prev;
  return { ...rest, rev: prev.rev + 1 };
}

/** Milliseconds an incident has lasted: until `resolvedAt`, or until `now` while open. */
export function incidentDurationMs(
  rec: Pick<DashboardIncident, 'openedAt' | 'resolvedAt' | 'state'>,
  now: number,
): number {
  const end = rec.state === 'resolved' && rec.resolvedAt ? Date.parse(rec.resolvedAt) : now;
  return Math.max(0, end - Date.parse(rec.openedAt));
}
