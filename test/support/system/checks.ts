import type { TestStack } from './stack';

/** The clip key of a file capture placed (its job id without the content fingerprint): `cam3/20261128T204000Z.mp4` → `cam3-20261128T204000Z`. */
export const jobIdOf = (rel: string) => rel.replace(/\.mp4$/, '').replace('/', '-');

/** Dead letters in the run: each job's id and camera, with its reason. */
export async function deadLetters(s: TestStack): Promise<{ id: string; cameraId: string; reason: string }[]> {
  return (await s.redis.lrange(s.keys.dead, 0, -1)).map((d) => {
    const { job, reason } = JSON.parse(d) as { job: string; reason: string };
    const { id, cameraId } = JSON.parse(job) as { id: string; cameraId: string };
    return { id, cameraId, reason };
  });
}

/** What the exactly-once checks look at, after the run has drained. */
export interface Ledger {
  clips: string[];
  /** clips without a verdict */
  missing: string[];
  /** jobIds with more than one verdict */
  twice: string[];
  /** distinct alert events (by source + id) that say the same thing: one incident step sent twice under two ids */
  duplicateAlerts: string[];
  /**
   * alert ids delivered more than once. Allowed: delivery is at-least-once, a kill -9 between
   * the sink's 2xx and inference's "published" mark re-sends the event under the SAME id, and
   * subscribers (the alerts function) drop it by id.
   */
  redelivered: string[];
  /** incidents raised more than once (same incidentId, distinct events) */
  duplicateRaises: string[];
  /** finished segments still sitting in staging (never handed over) */
  staged: string[];
  verdicts: number;
  alerts: number;
}

export async function ledger(s: TestStack): Promise<Ledger> {
  const clips = s.recordedClips();
  const counts = await s.verdictCounts();
  const alerts = s.broker.delivered().filter((a) => a.type.startsWith('com.safetyhanta.alert.'));
  const dup = (xs: string[]) => [...new Set(xs.filter((x, i) => xs.indexOf(x) !== i))];
  const unique = [...new Map(alerts.map((a) => [`${a.source}|${a.id}`, a])).values()];
  return {
    clips,
    missing: clips.filter((c) => !counts.has(jobIdOf(c))),
    twice: [...counts].filter(([, n]) => n > 1).map(([id]) => id),
    duplicateAlerts: dup(
      unique.map(
        (a) => `${String(a.data.incidentId)}|${a.type}|${a.type === 'com.safetyhanta.alert.updated' ? a.id : ''}`,
      ),
    ),
    redelivered: dup(alerts.map((a) => `${a.source}|${a.id}`)),
    duplicateRaises: dup(
      unique.filter((a) => a.type === 'com.safetyhanta.alert.raised').map((a) => String(a.data.incidentId)),
    ),
    staged: s.stagedListed(),
    verdicts: counts.size,
    alerts: unique.length,
  };
}

/**
 * Waits until capture's clips are all judged and nothing is pending or claimed (a sliver clip
 * too: it is judged on the frame it has, issue #26.6).
 */
export async function drained(s: TestStack): Promise<boolean> {
  const pending = await s.redis.llen(s.keys.clips);
  let claimed = 0;
  for (const k of await s.redis.keys(s.keys.processingPattern)) claimed += await s.redis.llen(k);
  if (pending > 0 || claimed > 0) return false;
  if (s.stagedListed().length > 0) return false;
  const counts = await s.verdictCounts();
  return s.recordedClips().every((c) => counts.has(jobIdOf(c)));
}
