import { FORKLIFT, WORKER, type PaletteName } from '../../../shared/palette';
import { subtractIntervals, union, positionAt, type Box, type Interval, type Track } from './geometry';
import type { Entity, FireEntity, ForkliftEntity, SceneDefinition, WorkerEntity } from './scene-model';

/**
 * A primitive the renderer draws: a filled box of one palette colour, fixed size, moving along
 * a track, shown during `visible`, optionally blinking (on for the first half of each period).
 */
export interface Prim {
  readonly part: string;
  readonly color: PaletteName;
  readonly w: number;
  readonly h: number;
  readonly track: Track;
  readonly visible: readonly Interval[];
  readonly blink?: { readonly period: number; readonly phase: number };
}

const shift = (track: Track, dx: number, dy: number): Track => track.map(([t, x, y]) => [t, x + dx, y + dy] as const);

interface PartOffset {
  readonly dx: number;
  readonly dy: number;
  readonly w: number;
  readonly h: number;
}
type Pose = Readonly<Record<'body' | 'head' | 'helmet' | 'vest', PartOffset>>;

/** Offsets of a standing worker's parts from the body's top-left. */
const STANDING: Pose = {
  body: { dx: 0, dy: 0, ...WORKER.body },
  head: { dx: (WORKER.body.w - WORKER.head.w) / 2, dy: -WORKER.head.h, ...WORKER.head },
  helmet: {
    dx: (WORKER.body.w - WORKER.helmet.w) / 2,
    dy: -WORKER.head.h - WORKER.helmet.h + WORKER.helmet.overlap,
    w: WORKER.helmet.w,
    h: WORKER.helmet.h,
  },
  vest: { dx: 0, dy: 0, ...WORKER.vest },
};

/** Fallen: body rotated and lying on the floor where the feet were, head to the left. */
const LYING_DX = (WORKER.body.w - WORKER.body.h) / 2; // centred on the standing position
const LYING_DY = WORKER.body.h - WORKER.body.w;
const LYING: Pose = {
  body: { dx: LYING_DX, dy: LYING_DY, w: WORKER.body.h, h: WORKER.body.w },
  head: {
    dx: LYING_DX - WORKER.head.w,
    dy: LYING_DY + (WORKER.body.w - WORKER.head.h) / 2,
    w: WORKER.head.h,
    h: WORKER.head.w,
  },
  helmet: {
    dx: LYING_DX - WORKER.head.w - WORKER.helmet.h + WORKER.helmet.overlap,
    dy: LYING_DY + (WORKER.body.w - WORKER.helmet.w) / 2,
    w: WORKER.helmet.h,
    h: WORKER.helmet.w,
  },
  vest: { dx: LYING_DX, dy: LYING_DY, w: WORKER.vest.h, h: WORKER.vest.w },
};

function workerVisible(w: WorkerEntity, duration: number): Interval {
  return w.visible ?? [0, duration];
}

/** Intervals when the worker stands / lies. */
export function workerPoses(w: WorkerEntity, duration: number): { standing: Interval[]; lying: Interval[] } {
  const vis = workerVisible(w, duration);
  if (!w.fallen) return { standing: [vis], lying: [] };
  const lying: Interval = [Math.max(vis[0], w.fallen[0]), Math.min(vis[1], w.fallen[1])];
  return { standing: subtractIntervals(vis, [w.fallen]), lying: lying[1] > lying[0] ? [lying] : [] };
}

function posePrims(w: WorkerEntity, pose: Pose, visible: Interval[], tag: string): Prim[] {
  if (visible.length === 0) return [];
  const part = (name: keyof Pose, color: PaletteName): Prim => {
    const p = pose[name];
    return { part: `${w.id}.${tag}.${name}`, color, w: p.w, h: p.h, track: shift(w.track, p.dx, p.dy), visible };
  };
  const prims = [part('body', 'body'), part('head', 'skin')];
  if (w.vest) prims.push(part('vest', 'vest'));
  if (w.helmet) prims.push(part('helmet', 'helmet'));
  return prims;
}

/** Person box (head ∪ body) of a worker at t, and whether they lie; undefined when out of view. */
export function workerBoxAt(w: WorkerEntity, duration: number, t: number): { box: Box; lying: boolean } | undefined {
  const poses = workerPoses(w, duration);
  const within = (ivs: Interval[]) => ivs.some(([a, b]) => t >= a && t < b);
  const lying = within(poses.lying);
  if (!lying && !within(poses.standing)) return undefined;
  const pose = lying ? LYING : STANDING;
  const { x, y } = positionAt(w.track, t);
  const at = (p: PartOffset): Box => ({ x: x + p.dx, y: y + p.dy, w: p.w, h: p.h });
  return { box: union(at(pose.body), at(pose.head)), lying };
}

const FLAME_FLICKER = 0.24; // s per colour cycle: fast enough to read as flicker at 25 fps
const SMOKE_DELAY = 1; // smoke appears a second after the flames

/** Smoke plume geometry for a fire: starts just above the flames and rises 60 px over the fire's life. */
export function smokeTrack(f: FireEntity): { w: number; h: number; track: Track; visible: Interval } {
  const w = Math.round(f.w * 1.4);
  const h = Math.round(f.h * 1.3);
  const x = f.x - (w - f.w) / 2;
  const from = f.visible[0] + SMOKE_DELAY;
  return {
    w,
    h,
    track: [
      [from, x, f.y - h],
      [f.visible[1], x, f.y - h - 60],
    ],
    visible: [from, f.visible[1]],
  };
}

function firePrims(f: FireEntity, i: number): Prim[] {
  const smoke = smokeTrack(f);
  const tongueW = Math.round(f.w / 3);
  const tongueH = Math.round(f.h * 0.4);
  const vis = [f.visible];
  return [
    { part: `fire${i}.smoke`, color: 'smoke', w: smoke.w, h: smoke.h, track: smoke.track, visible: [smoke.visible] },
    { part: `fire${i}.base`, color: 'fireA', w: f.w, h: f.h, track: [[0, f.x, f.y]], visible: vis },
    // Tongues of the other flame colour, alternating sides: the flicker.
    {
      part: `fire${i}.tongueL`,
      color: 'fireB',
      w: tongueW,
      h: tongueH,
      track: [[0, f.x + 8, f.y]],
      visible: vis,
      blink: { period: FLAME_FLICKER, phase: 0 },
    },
    {
      part: `fire${i}.tongueR`,
      color: 'fireB',
      w: tongueW,
      h: tongueH,
      track: [[0, f.x + f.w - tongueW - 8, f.y + 10]],
      visible: vis,
      blink: { period: FLAME_FLICKER, phase: FLAME_FLICKER / 2 },
    },
  ];
}

/** The smoke plume's box at t, or undefined before it appears / after the fire is out. */
export function smokeBoxAt(f: FireEntity, t: number): Box | undefined {
  const smoke = smokeTrack(f);
  if (t < smoke.visible[0] || t >= smoke.visible[1]) return undefined;
  const { x, y } = positionAt(smoke.track, t);
  return { x, y, w: smoke.w, h: smoke.h };
}

/** Forklift footprint (body ∪ fork) at t, or undefined when out of view. */
export function forkliftBoxAt(f: ForkliftEntity, duration: number, t: number): Box | undefined {
  const [a, b] = f.visible ?? [0, duration];
  if (t < a || t >= b) return undefined;
  const { x, y } = positionAt(f.track, t);
  return { x, y, w: FORKLIFT.body.w + FORKLIFT.fork.w, h: FORKLIFT.body.h };
}

const FORK_DY = FORKLIFT.body.h - FORKLIFT.fork.h - 10;

function forkliftPrims(f: ForkliftEntity, i: number, duration: number): Prim[] {
  const vis = [f.visible ?? ([0, duration] as const)];
  return [
    { part: `forklift${i}.body`, color: 'forklift', ...FORKLIFT.body, track: f.track, visible: vis },
    {
      part: `forklift${i}.fork`,
      color: 'forklift',
      ...FORKLIFT.fork,
      track: shift(f.track, FORKLIFT.body.w, FORK_DY),
      visible: vis,
    },
  ];
}

function entityPrims(e: Entity, i: number, duration: number): Prim[] {
  switch (e.kind) {
    case 'zone':
      return [{ part: `zone${i}`, color: 'zone', w: e.w, h: e.h, track: [[0, e.x, e.y]], visible: [[0, duration]] }];
    case 'worker': {
      const poses = workerPoses(e, duration);
      return [...posePrims(e, STANDING, poses.standing, 'standing'), ...posePrims(e, LYING, poses.lying, 'lying')];
    }
    case 'fire':
      return firePrims(e, i);
    case 'forklift':
      return forkliftPrims(e, i, duration);
  }
}

/** Every box drawn in a scene, bottom to top. */
export function scenePrims(scene: SceneDefinition): Prim[] {
  return scene.entities.flatMap((e, i) => entityPrims(e, i, scene.duration));
}
