/**
 * Fault switches for tests (POST /sim/faults, or `handle.setFaults`):
 * - `breakSchema: n` — the next n answers violate the response schema (alternating: an invalid
 *   status "dangerous", then non-JSON text), to exercise the client's retry-then-uncertain path;
 * - `unhealthy: true` — /health and /v1/chat/completions answer 503 (like vLLM's EngineDeadError);
 * - `delayMs` — extra latency added to every completion;
 * - `failPromptContaining: "cam3"` — completions whose final/system text contains it answer HTTP
 *   500 while /health stays 200 (a "poisoned request", like the Qwen3-VL metadata 500); '' = off.
 */
export interface Faults {
  breakSchema: number;
  unhealthy: boolean;
  delayMs: number;
  failPromptContaining: string;
}

export const NO_FAULTS: Faults = { breakSchema: 0, unhealthy: false, delayMs: 0, failPromptContaining: '' };

/** Merges a partial update; rejects wrong types with a message (the HTTP endpoint answers 400). */
export function mergeFaults(current: Faults, update: unknown): Faults {
  if (typeof update !== 'object' || update === null || Array.isArray(update))
    throw new Error('faults must be a JSON object');
  const u = update as Record<string, unknown>;
  const next = { ...current };
  for (const [k, v] of Object.entries(u)) {
    if (k === 'unhealthy' && typeof v === 'boolean') next.unhealthy = v;
    else if (k === 'failPromptContaining' && typeof v === 'string') next.failPromptContaining = v;
    else if ((k === 'breakSchema' || k === 'delayMs') && typeof v === 'number' && Number.isFinite(v) && v >= 0)
      next[k] = Math.floor(v);
    else
      throw new Error(
        `invalid fault ${k}=${JSON.stringify(v)} (breakSchema: integer ≥ 0, unhealthy: boolean, delayMs: integer ≥ 0, failPromptContaining: string)`,
      );
  }
  return next;
}

/** The schema-breaking answer number `i` (0-based). */
export function brokenAnswer(i: number): string {
  return i % 2 === 0
    ? JSON.stringify({ status: 'dangerous', hazards: 'fire', summary: 42 })
    : 'I think this clip looks dangerous, but I will not answer in JSON.';
}
