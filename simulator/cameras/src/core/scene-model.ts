import type { HazardType } from '../../../../functions/shared/src/verdict';
import type { Interval, Track } from './geometry';

/**
 * A scene is data: entities with tracks and intervals. Drawing (filter.ts) and ground truth
 * (ground-truth.ts) are both derived from it; nothing about a scene is written twice.
 */
export type Entity = ZoneEntity | WorkerEntity | FireEntity | ForkliftEntity;

/** Painted restricted zone (static). */
export interface ZoneEntity {
  readonly kind: 'zone';
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** A worker; `track` is the standing body's top-left. */
export interface WorkerEntity {
  readonly kind: 'worker';
  readonly id: string;
  readonly track: Track;
  readonly helmet: boolean;
  readonly vest: boolean;
  /** when the worker is in view (default: the whole loop) */
  readonly visible?: Interval;
  /** when the worker lies on the floor (keep the track still meanwhile) */
  readonly fallen?: Interval;
}

/** Flickering flames (box at x,y,w,h) with a smoke plume rising above them. */
export interface FireEntity {
  readonly kind: 'fire';
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly visible: Interval;
}

/** Forklift; `track` is the body's top-left, the fork sticks out on the right. */
export interface ForkliftEntity {
  readonly kind: 'forklift';
  readonly track: Track;
  readonly visible?: Interval;
}

export interface SceneDefinition {
  /** file-name safe, unique */
  readonly name: string;
  /** the one hazard type this scene shows for part of its loop; null for the safe scene */
  readonly hazard: HazardType | null;
  readonly description: string;
  /** loop length, seconds */
  readonly duration: number;
  /** drawn in order (later entities on top) */
  readonly entities: readonly Entity[];
  /** false: only played where SCENE_MAP_FILE names it, never in the default camera rotation */
  readonly inRotation?: boolean;
}
