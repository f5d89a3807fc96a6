/**
 * Make-before-break hand-over of a camera between capture replicas (issue #26: "a capture pod's
 * SIGTERM in a rolling update loses no judged time"). Pure: the adapter (adapters/leases.ts) reads
 * Redis and acts on these decisions.
 *
 * The old owner frees the lease but keeps its recorder running; the new owner claims the lease,
 * records, and once its first clip of the camera is handed to the intake it writes the camera's
 * hand-over marker (`safety:cameras:handoff:<camera>` = its replica id). Only then does the old
 * owner stop its recorder: both record for a moment, and coverage is the union of judged windows.
 */

/**
 * The other capture replicas that heartbeated within `freshMs` (the replicas ZSET, member → last
 * heartbeat ms). A replica that died stops heartbeating; one that is stopping removes itself.
 */
export function otherLiveReplicas(
  heartbeats: readonly (readonly [id: string, atMs: number])[],
  self: string,
  nowMs: number,
  freshMs: number,
): string[] {
  return heartbeats.filter(([id, at]) => id !== self && at >= nowMs - freshMs).map(([id]) => id);
}

/**
 * On SIGTERM: hand the cameras over only when somebody can take them. Alone (`npm start`'s Ctrl-C,
 * a single replica, CAMERA_INDEX mode where no other replica may record the camera) or with the
 * hand-over switched off, stop at once, as before: a Ctrl-C must not get slower.
 */
export function handOffOnStop(o: { leaseMode: boolean; timeoutMs: number; owned: number; otherLive: number }): boolean {
  return o.leaseMode && o.timeoutMs > 0 && o.owned > 0 && o.otherLive > 0;
}

/** What one camera being handed over shows in Redis now. */
export interface HandoffView {
  /** The lease holder now (undefined: nobody claimed it yet). */
  readonly holder: string | undefined;
  /** The hand-over marker: the replica that has handed its first clip of the camera to the intake. */
  readonly recordedBy: string | undefined;
}

export type HandoffStep =
  | { readonly action: 'wait' }
  /** `recorded`: the new owner records (the only make-before-break outcome); the others cost a gap. */
  | { readonly action: 'stop'; readonly why: 'recorded' | 'unclaimed' | 'timeout' };

/**
 * One look at a camera being handed over, `elapsedMs` after we freed its lease.
 * - the lease holder wrote the marker → stop our recorder (the new owner has a clip);
 * - nobody claimed it within `claimWindowMs` (a live replica claims within one lease round) → stop:
 *   the replica we counted on is gone, waiting the whole timeout would only delay the shutdown;
 * - past `timeoutMs` → stop (bounded: the pod's terminationGracePeriodSeconds);
 * - else wait.
 */
export function handoffStep(
  view: HandoffView,
  o: { elapsedMs: number; timeoutMs: number; claimWindowMs: number },
): HandoffStep {
  if (view.holder !== undefined && view.recordedBy === view.holder) return { action: 'stop', why: 'recorded' };
  if (o.elapsedMs >= o.timeoutMs) return { action: 'stop', why: 'timeout' };
  if (view.holder === undefined && o.elapsedMs >= o.claimWindowMs) return { action: 'stop', why: 'unclaimed' };
  return { action: 'wait' };
}

/**
 * How long a free lease may stay unclaimed before we conclude nobody will take it: two lease
 * rounds of the taker (TTL/3 each, core/leases.ts renewIntervalMs) plus a second for Redis and
 * the taker's registry read.
 */
export function claimWindowMs(renewMs: number): number {
  return 2 * renewMs + 1000;
}
