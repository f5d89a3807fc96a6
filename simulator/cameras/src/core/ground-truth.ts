import type { HazardType } from '../../../../functions/shared/src/verdict';
import { PROXIMITY_PX, REFERENCE_HEIGHT, REFERENCE_WIDTH } from '../../../shared/palette';
import { gap, overlaps, union, type Box } from './geometry';
import { scaler, type RenderOptions } from './render-args';
import type { SceneDefinition } from './scene-model';
import { forkliftBoxAt, smokeBoxAt, workerBoxAt } from './shapes';

/** One hazard visible at an instant; `box` in output px [x, y, w, h]. */
export interface GroundTruthHazard {
  readonly type: HazardType;
  readonly box: readonly [number, number, number, number];
}

/** The sidecar JSON written next to each rendered clip. */
export interface GroundTruth {
  readonly v: 1;
  readonly scene: string;
  /** the scene's primary hazard type (null = safe scene); the fire scene also shows `smoke` */
  readonly hazard: HazardType | null;
  readonly duration: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** hazard intervals [from, to) in loop seconds, exact to one frame */
  readonly intervals: readonly { readonly type: HazardType; readonly from: number; readonly to: number }[];
  /** `seconds[s]`: hazards at t = s + 0.5 (the middle of loop second s) */
  readonly seconds: readonly { readonly t: number; readonly hazards: readonly GroundTruthHazard[] }[];
  /**
   * The scene's restricted zones as camera-registry zones (polygon normalised 0..1): PUT them on
   * the camera that streams this scene and the model's frames get them drawn (shared/src/zones).
   */
  readonly zones?: readonly SceneZone[];
}

/** A registry zone (functions/shared/src/camera-registry/schema.ts ZoneSchema). */
export interface SceneZone {
  readonly name: string;
  readonly kind: 'restricted';
  readonly polygon: readonly (readonly [number, number])[];
}

/** The painted zones as registry zones, normalised to the reference frame (any resolution). Pure. */
export function sceneZones(scene: SceneDefinition): SceneZone[] {
  const n = (v: number, of: number) => Math.round((v / of) * 10000) / 10000;
  return scene.entities
    .filter((e) => e.kind === 'zone')
    .map((z, i) => {
      const [x0, y0, x1, y1] = [
        n(z.x, REFERENCE_WIDTH),
        n(z.y, REFERENCE_HEIGHT),
        n(z.x + z.w, REFERENCE_WIDTH),
        n(z.y + z.h, REFERENCE_HEIGHT),
      ];
      return {
        name: i === 0 ? 'Red zone' : `Red zone ${i + 1}`,
        kind: 'restricted',
        polygon: [
          [x0, y0],
          [x1, y0],
          [x1, y1],
          [x0, y1],
        ],
      };
    });
}

/** Hazards present at loop time t, in reference px, computed from the scene's entities. */
export function hazardsAt(scene: SceneDefinition, t: number): { type: HazardType; box: Box }[] {
  const out: { type: HazardType; box: Box }[] = [];
  const zones = scene.entities.filter((e) => e.kind === 'zone');
  const forklifts = scene.entities.filter((e) => e.kind === 'forklift').map((f) => forkliftBoxAt(f, scene.duration, t));
  for (const e of scene.entities) {
    if (e.kind === 'fire' && t >= e.visible[0] && t < e.visible[1]) out.push({ type: 'fire', box: e });
    if (e.kind === 'fire') {
      // The plume is drawn, so it is labelled: a model that reports smoke beside fire is right.
      const smoke = smokeBoxAt(e, t);
      if (smoke) out.push({ type: 'smoke', box: smoke });
    }
    if (e.kind !== 'worker') continue;
    const w = workerBoxAt(e, scene.duration, t);
    if (!w) continue;
    if (w.lying) out.push({ type: 'person_fall', box: w.box });
    else {
      if (!e.helmet) out.push({ type: 'no_hard_hat', box: w.box });
      if (!e.vest) out.push({ type: 'no_safety_vest', box: w.box });
    }
    for (const z of zones) if (overlaps(w.box, z)) out.push({ type: 'restricted_zone_intrusion', box: w.box });
    for (const f of forklifts) {
      if (f && gap(f, w.box) < PROXIMITY_PX) out.push({ type: 'forklift_pedestrian_proximity', box: union(f, w.box) });
    }
  }
  return out;
}

/** Ground truth for a scene rendered with `opts`; pure, derived from the same entities the filter draws. */
export function computeGroundTruth(scene: SceneDefinition, opts: RenderOptions): GroundTruth {
  const s = scaler(opts);
  const toPx = (b: Box): [number, number, number, number] => {
    const p = s.box(b);
    return [p.x, p.y, p.w, p.h];
  };
  const seconds = Array.from({ length: Math.ceil(scene.duration) }, (_, i) => {
    const t = i + 0.5;
    return { t, hazards: hazardsAt(scene, t).map((h) => ({ type: h.type, box: toPx(h.box) })) };
  });
  // Intervals from a per-frame sweep (frame k shows time k/fps).
  const intervals: { type: HazardType; from: number; to: number }[] = [];
  const open = new Map<HazardType, number>();
  const frames = Math.round(scene.duration * opts.fps);
  for (let k = 0; k <= frames; k++) {
    const t = k / opts.fps;
    const present = new Set(k < frames ? hazardsAt(scene, t).map((h) => h.type) : []);
    for (const type of present) if (!open.has(type)) open.set(type, t);
    for (const [type, from] of open) {
      if (!present.has(type)) {
        intervals.push({ type, from, to: t });
        open.delete(type);
      }
    }
  }
  return {
    v: 1,
    scene: scene.name,
    hazard: scene.hazard,
    duration: scene.duration,
    width: opts.width,
    height: opts.height,
    fps: opts.fps,
    intervals,
    seconds,
    zones: sceneZones(scene),
  };
}

/**
 * Hazards present at time t of the loop (t may exceed the duration: the clip loops).
 * Uses the per-second table, so the answer is the hazards at the middle of that second.
 */
export function groundTruthAt(groundTruth: GroundTruth, tSeconds: number): readonly GroundTruthHazard[] {
  const d = groundTruth.duration;
  const loopT = ((tSeconds % d) + d) % d;
  return groundTruth.seconds[Math.floor(loopT)]?.hazards ?? [];
}
