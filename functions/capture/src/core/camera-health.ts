/**
 * Offline/online decisions for one camera, as a pure state machine: the adapter feeds it
 * clips and clock ticks and publishes whatever transition comes back.
 */

export type CameraStatus = 'unknown' | 'online' | 'offline';

export interface HealthState {
  status: CameraStatus;
  /** Last finished clip (ms epoch), if any since we own the camera. */
  lastClipAt?: number;
  /** When we started watching (ms epoch): the offline timer runs from here before the first clip. */
  watchingSince: number;
  /** When it went offline (ms epoch): a clip whose media ended before that is no sign of life. */
  offlineAt?: number;
}

export type Transition = { to: 'online' | 'offline'; reason: string } | undefined;

export function initialHealth(now: number, previous: CameraStatus = 'unknown'): HealthState {
  return { status: previous, watchingSince: now };
}

/**
 * A clip arrived. Going online is announced only as a *recovery* (previous status offline);
 * the first clip after start-up just marks the camera online.
 */
export function onClip(
  state: HealthState,
  at: number,
): { state: HealthState; transition: Transition; announce: boolean } {
  // a clip announced late (the partial last clip of a run that died with the stream) ended
  // before the camera was declared offline: it must not bring the camera back (issue #13.4)
  if (state.status === 'offline' && state.offlineAt !== undefined && at <= state.offlineAt)
    return { state, transition: undefined, announce: false };
  const { offlineAt: _gone, ...rest } = state;
  const next: HealthState = { ...rest, status: 'online', lastClipAt: Math.max(at, state.lastClipAt ?? at) };
  if (state.status === 'online') return { state: next, transition: undefined, announce: false };
  return {
    state: next,
    transition: { to: 'online', reason: state.status === 'offline' ? 'clips are arriving again' : 'first clip' },
    announce: state.status === 'offline',
  };
}

/**
 * Clock tick: offline once `offlineMs` passed without a clip. Before the first clip the window
 * is longer by `firstClipGraceMs` (one segment: no camera can deliver a clip sooner).
 */
export function onTick(
  state: HealthState,
  now: number,
  offlineMs: number,
  firstClipGraceMs = 0,
): { state: HealthState; transition: Transition } {
  if (state.status === 'offline') return { state, transition: undefined };
  const since = state.lastClipAt ?? state.watchingSince + firstClipGraceMs;
  if (now - since < offlineMs) return { state, transition: undefined };
  const seconds = Math.round((now - since) / 1000);
  return {
    state: { ...state, status: 'offline', offlineAt: now },
    transition: {
      to: 'offline',
      reason: state.lastClipAt === undefined ? `no clip since start-up ${seconds} s ago` : `no clip for ${seconds} s`,
    },
  };
}
