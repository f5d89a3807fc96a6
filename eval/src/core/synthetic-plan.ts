import type { GroundTruth } from '../../../simulator/cameras/src';
import { hazardWindow, typesIn } from '../../../tools/fewshot/scene-windows';
import type { HazardType } from '../../../functions/shared/src/verdict';
import { mulberry32 } from '../../../functions/shared/src/prng';

/** One clip to cut: a whole-second window of a scene loop and the hazards its ground truth shows there. */
export interface PlannedClip {
  scene: string;
  start: number;
  seconds: number;
  hazards: HazardType[];
}

/** A seeded PRNG, so a seed always gives the same set (functions/shared/src/prng.ts). */
export const prng = mulberry32;

/**
 * Which windows to cut. Scenes take turns (every scene appears once N ≥ scenes). For a hazard
 * scene, even turns jitter the few-shot window (scene-windows.ts `hazardWindow`) by up to ±2 s
 * and odd turns take any offset of the loop, so the set holds clear, partial and hazard-free
 * windows of the same scene. Labels come from the ground truth by the rule the few-shot answers
 * use (`typesIn`: a hazard counts when the middle of any second in the window shows it).
 * Starts are whole seconds: the renders have a 1 s GOP, so a stream-copy cut starts on a keyframe.
 */
export function planSyntheticClips(
  truths: readonly GroundTruth[],
  n: number,
  seed: number,
  seconds = 5,
): PlannedClip[] {
  if (truths.length === 0) throw new Error('no scenes to cut from');
  const rand = prng(seed);
  const pick = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const out: PlannedClip[] = [];
  const seen = new Set<string>();
  for (let turn = 0; out.length < n; turn++) {
    for (const gt of truths) {
      if (out.length >= n) break;
      const last = Math.max(0, Math.floor(gt.duration) - seconds);
      const draw = () =>
        gt.hazard && turn % 2 === 0
          ? Math.min(last, Math.max(0, hazardWindow(gt, seconds).start + pick(-2, 2)))
          : pick(0, last);
      // A few draws to prefer a window this scene has not given yet (a repeat is allowed after that).
      let start = draw();
      for (let k = 0; k < 4 && seen.has(`${gt.scene}@${start}`); k++) start = draw();
      seen.add(`${gt.scene}@${start}`);
      out.push({ scene: gt.scene, start, seconds, hazards: typesIn(gt, start, seconds) });
    }
  }
  return out;
}
