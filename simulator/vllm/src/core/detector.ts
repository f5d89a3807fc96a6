import { PROXIMITY_PX, REFERENCE_WIDTH } from '../../../shared/palette';
import type { HazardType } from '../../../../functions/shared/src/verdict';
import type { Frame } from './frame';
import { boxGap, countIn, findBlobs, labelFrame, overlapArea, type Blob, type Box, type LabelMap } from './segment';

/**
 * The simulator's "eyes": finds the synthetic scenes' shapes by colour and geometry
 * (simulator/shared/palette.ts). It knows nothing but the palette, so it only works on the
 * synthetic CCTV world — it is part of a model-server SIMULATOR, not a safety model.
 * Pure: frames in, findings out.
 */

/** One worker as seen in one frame. */
export interface Worker extends Box {
  readonly helmet: boolean;
  readonly vest: boolean;
  readonly fallen: boolean;
  readonly inZone: boolean;
  readonly nearForklift: boolean;
}

/** Everything found in one frame. */
export interface FrameFindings {
  readonly workers: readonly Worker[];
  readonly zones: readonly Box[];
  readonly fires: readonly Box[];
  readonly smoke: readonly Box[];
  readonly forklifts: readonly Box[];
  readonly hazards: ReadonlySet<HazardType>;
}

/** A hazard over a clip: the fraction of frames showing it. */
export interface ClipHazard {
  readonly type: HazardType;
  readonly frames: number;
  readonly fraction: number;
}

// Reference sizes in the 1280×720 frame (palette.ts geometry), scaled by frame width.
const MIN_WORKER_AREA = 1100; // a quarter of a 40×110 body
const MIN_ZONE_AREA = 5000;
const MIN_FIRE_AREA = 250;
const MIN_SMOKE_AREA = 1200;
const MIN_FORKLIFT_AREA = 1500;
const HEAD_SPAN = 50; // head (24) + helmet (12) above the body, plus slack
const HELMET_AREA = 30 * 12;
const SEAM_PX = 6; // colour seams between touching shapes (see joinNear)

function scaled(frame: Frame): number {
  return frame.width / REFERENCE_WIDTH;
}

/** Where a worker's head (and hard hat) is: above a standing body; beside or above a lying one. */
function headRegions(body: Box, fallen: boolean, s: number): Box[] {
  const span = HEAD_SPAN * s;
  return fallen
    ? [
        { x: body.x - span, y: body.y - span / 2, w: span, h: body.h + span },
        { x: body.x + body.w, y: body.y - span / 2, w: span, h: body.h + span },
        { x: body.x, y: body.y - span, w: body.w, h: span },
      ]
    : [{ x: body.x - body.w * 0.25, y: body.y - span, w: body.w * 1.5, h: span }];
}

/** Hard hat: helmet-yellow pixels in the head region. */
function hasHelmet(map: LabelMap, body: Box, fallen: boolean, s: number): boolean {
  const regions = headRegions(body, fallen, s);
  // fireB is the nearest orange to helmet yellow; a small helmet's JPEG-blurred pixels may land there.
  const found = regions.reduce((n, r) => n + countIn(map, r, ['helmet', 'fireB']), 0);
  return found >= Math.max(2, HELMET_AREA * s * s * 0.2);
}

function toWorker(map: LabelMap, blob: Blob, zones: readonly Box[], forklifts: readonly Box[], s: number): Worker {
  const fallen = blob.w > blob.h * 1.2;
  const vestPx = blob.counts.vest ?? 0;
  const inZone = zones.some((z) => overlapArea(blob, z) >= 0.1 * blob.w * blob.h);
  const nearForklift = forklifts.some((f) => boxGap(blob, f) < PROXIMITY_PX * s);
  return {
    x: blob.x,
    y: blob.y,
    w: blob.w,
    h: blob.h,
    fallen,
    inZone,
    nearForklift,
    vest: vestPx >= 0.06 * blob.area,
    helmet: hasHelmet(map, blob, fallen, s),
  };
}

/** Analyses one frame. */
export function analyzeFrame(frame: Frame): FrameFindings {
  const s = scaled(frame);
  const a = s * s;
  const map = labelFrame(frame);
  const zones = findBlobs(map, ['zone'], MIN_ZONE_AREA * a);
  const flames = findBlobs(map, ['fireA', 'fireB'], Math.max(12, MIN_FIRE_AREA * a), Math.max(2, SEAM_PX * s));
  const smoke = findBlobs(map, ['smoke'], MIN_SMOKE_AREA * a);
  const forklifts = findBlobs(map, ['forklift'], MIN_FORKLIFT_AREA * a);
  // Body and vest together make one worker: a worn vest splits the blue coveralls in two.
  const workers = findBlobs(map, ['body', 'vest'], MIN_WORKER_AREA * a, Math.max(2, SEAM_PX * s))
    .filter((b) => (b.counts.body ?? 0) >= 0.3 * b.area)
    .map((b) => toWorker(map, b, zones, forklifts, s));
  // In small frames a hard hat blurs into flame orange; a helmet-sized "flame" on a head is a hat.
  const fires = flames.filter(
    (f) =>
      f.area > 3 * HELMET_AREA * a ||
      !workers.some((w) => headRegions(w, w.fallen, s).some((r) => overlapArea(f, r) > 0)),
  );
  const hazards = new Set<HazardType>();
  for (const w of workers) {
    // A fallen worker is the hazard; PPE is judged on people standing (as rtsp-sim's ground truth does).
    if (w.fallen) hazards.add('person_fall');
    else {
      if (!w.helmet) hazards.add('no_hard_hat');
      if (!w.vest) hazards.add('no_safety_vest');
    }
    if (w.inZone) hazards.add('restricted_zone_intrusion');
    if (w.nearForklift) hazards.add('forklift_pedestrian_proximity');
  }
  if (fires.length > 0) hazards.add('fire');
  if (smoke.length > 0) hazards.add('smoke');
  return { workers, zones, fires, smoke, forklifts, hazards };
}

/**
 * Analyses a clip: a hazard counts when at least `minFraction` of the frames show it (one noisy
 * frame is not a finding). Sorted by type for stable output.
 */
export function analyzeClip(frames: readonly Frame[], minFraction = 0.2): ClipHazard[] {
  if (frames.length === 0) return [];
  const counts = new Map<HazardType, number>();
  for (const f of frames) for (const h of analyzeFrame(f).hazards) counts.set(h, (counts.get(h) ?? 0) + 1);
  return [...counts]
    .map(([type, n]) => ({ type, frames: n, fraction: n / frames.length }))
    .filter((h) => h.fraction >= minFraction)
    .sort((x, y) => x.type.localeCompare(y.type));
}
