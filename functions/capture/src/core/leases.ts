/**
 * Which cameras a replica should try to claim this round (lease mode). Pure: the adapter
 * does SET NX PX / compare-and-pexpire in Redis.
 */

/**
 * Cameras to try, in order, while we hold fewer than our share: every camera we do not own
 * (others may hold some; SET NX decides). Rotated by a replica-specific offset so replicas
 * starting together contend for different cameras first instead of racing for cam1.
 */
export function claimCandidates(
  all: readonly string[],
  owned: ReadonlySet<string>,
  share: number,
  offset = 0,
): string[] {
  if (owned.size >= share) return [];
  const n = all.length;
  return all.map((_, i) => all[(i + offset) % n] as string).filter((c) => !owned.has(c));
}

/** Renew at a third of the TTL: two renewals may fail (Redis blip) before the lease lapses. */
export function renewIntervalMs(ttlSeconds: number): number {
  return Math.max(200, Math.floor((ttlSeconds * 1000) / 3));
}

/** A stable small offset from a replica id (FNV-1a). */
export function replicaOffset(replicaId: string, modulo: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < replicaId.length; i++) {
    h ^= replicaId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return modulo > 0 ? h % modulo : 0;
}

/**
 * How many cameras this replica should hold: an even share over the live replicas (so two
 * replicas split ten cameras 5/5 instead of the first one taking all), capped by CAPTURE_MAX_CAMERAS.
 */
export function fairShare(numCameras: number, liveReplicas: number, maxCameras: number): number {
  return Math.min(maxCameras, Math.ceil(numCameras / Math.max(1, liveReplicas)));
}

/**
 * Cameras to hand back when we hold more than our share (a replica joined). One per round, so
 * the group converges without every replica dropping cameras at once.
 */
export function surplus(owned: readonly string[], share: number): string[] {
  return owned.length > share ? owned.slice(-1) : [];
}
