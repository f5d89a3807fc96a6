import type { GroundTruth } from '../../simulator/cameras/src';
import type { HazardType } from '../../functions/shared/src/verdict';

/** A window of a rendered scene loop, with the hazard types its ground truth shows in it. */
export interface SceneWindow {
  start: number;
  seconds: number;
  types: HazardType[];
}

/** Hazard types the ground truth shows in any second of [start, start + seconds). */
export function typesIn(gt: GroundTruth, start: number, seconds: number): HazardType[] {
  const types = new Set<HazardType>();
  for (let s = Math.floor(start); s < start + seconds; s++)
    for (const h of gt.seconds[s % gt.duration]?.hazards ?? []) types.add(h.type);
  return [...types].sort();
}

/**
 * A whole-second window of `seconds` where the scene's hazard is present in every second
 * (centred in its interval), or [0, seconds) for a safe scene. Whole seconds start on a
 * keyframe (1 s GOP), so a stream-copy cut is clean.
 */
export function hazardWindow(gt: GroundTruth, seconds: number): SceneWindow {
  if (!gt.hazard) return { start: 0, seconds, types: typesIn(gt, 0, seconds) };
  const interval = gt.intervals.find((i) => i.type === gt.hazard);
  if (!interval) throw new Error(`scene ${gt.scene} has no interval of its hazard ${gt.hazard}`);
  const mid = (interval.from + interval.to) / 2;
  let start = Math.max(0, Math.round(mid - seconds / 2));
  // Prefer a window where every second shows the hazard.
  for (const candidate of [start, start + 1, start - 1, start + 2, start - 2]) {
    if (candidate < 0 || candidate + seconds > gt.duration) continue;
    const all = Array.from(
      { length: seconds },
      (_, k) => gt.seconds[candidate + k]?.hazards.some((h) => h.type === gt.hazard) ?? false,
    );
    if (all.every(Boolean)) {
      start = candidate;
      break;
    }
  }
  return { start, seconds, types: typesIn(gt, start, seconds) };
}
