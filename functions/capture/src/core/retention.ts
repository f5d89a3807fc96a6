/**
 * Retention decisions (pure). The contract with inference: a verdict is stored as
 * `verdictDone(jobId)` = `{"status":…,"incident":bool}`, and incident evidence is in the
 * `incidentClips` SET. A clip without a verdict (queued or in processing) is never deleted.
 */

export interface VerdictMark {
  /** 'safe' | 'warning' | 'danger' | 'uncertain', typed string: it is read back from Redis unchecked. */
  status: string;
  incident: boolean;
}

export interface ClipFacts {
  /** Relative to CLIPS_DIR. */
  path: string;
  /** Clip start (ms epoch). */
  startedAt: number;
  bytes: number;
  verdict?: VerdictMark | undefined;
  inIncidentSet: boolean;
  /** An operator marked it (false alarm / missed hazard, keys.feedbackClips): kept until unmarked, whatever its age or the byte cap. */
  feedbackHeld?: boolean;
}

export interface RetentionRules {
  now: number;
  safeRetentionMs: number;
  incidentRetentionMs: number;
  /** Cap on all bytes under CLIPS_DIR; undefined = none. */
  maxBytes?: number | undefined;
  /** Bytes under CLIPS_DIR that are not clips (staging, quarantine, external files). */
  otherBytes?: number;
}

export type DeleteReason = 'safe-expired' | 'incident-expired' | 'byte-cap';

export interface RetentionPlan {
  delete: { path: string; reason: DeleteReason; bytes: number }[];
  /** Bytes after the plan is carried out. */
  bytesAfter: number;
  /** True when the cap is still exceeded and only unverdicted clips are left to evict. */
  capBlocked: boolean;
}

/** Safe, non-incident clips expire after CLIP_RETENTION_SECONDS; every other verdicted clip after INCIDENT_RETENTION_DAYS. */
function isIncident(c: ClipFacts): boolean {
  return c.inIncidentSet || c.verdict?.incident === true;
}

export function planRetention(clips: readonly ClipFacts[], rules: RetentionRules): RetentionPlan {
  const del: RetentionPlan['delete'] = [];
  const gone = new Set<string>();
  for (const c of clips) {
    if (!c.verdict || c.feedbackHeld) continue; // queued, in processing, or marked by an operator: never
    const age = rules.now - c.startedAt;
    const safe = c.verdict.status === 'safe' && !isIncident(c);
    if (safe && age >= rules.safeRetentionMs) del.push({ path: c.path, reason: 'safe-expired', bytes: c.bytes });
    else if (!safe && age >= rules.incidentRetentionMs)
      del.push({ path: c.path, reason: 'incident-expired', bytes: c.bytes });
    else continue;
    gone.add(c.path);
  }
  let total = (rules.otherBytes ?? 0) + clips.filter((c) => !gone.has(c.path)).reduce((s, c) => s + c.bytes, 0);
  let capBlocked = false;
  if (rules.maxBytes !== undefined && total > rules.maxBytes) {
    // oldest first; evidence of incidents only after every other verdicted clip
    const evictable = clips
      .filter((c) => c.verdict && !c.feedbackHeld && !gone.has(c.path))
      .sort((a, b) => Number(isIncident(a)) - Number(isIncident(b)) || a.startedAt - b.startedAt);
    for (const c of evictable) {
      if (total <= rules.maxBytes) break;
      del.push({ path: c.path, reason: 'byte-cap', bytes: c.bytes });
      total -= c.bytes;
    }
    capBlocked = total > rules.maxBytes;
  }
  return { delete: del, bytesAfter: total, capBlocked };
}

/** Parses the verdict marker; a marker that is not our JSON still counts as "has a verdict" (status unknown, kept long). */
export function parseVerdictMark(raw: string | null): VerdictMark | undefined {
  if (raw === null) return undefined;
  try {
    const v = JSON.parse(raw) as { status?: unknown; incident?: unknown };
    return { status: typeof v.status === 'string' ? v.status : 'unknown', incident: v.incident === true };
  } catch {
    return { status: 'unknown', incident: false };
  }
}
