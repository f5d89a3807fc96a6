import type { SceneDefinition, ZoneEntity } from './scene-model';

/**
 * The scene library. Coordinates are reference px (1280×720, palette.ts); the loop is 20 s and
 * every hazard starts and stops inside it. Safe workers stay left of x≈760, away from the zone.
 */
const DURATION = 20;
const ZONE: ZoneEntity = { kind: 'zone', x: 900, y: 380, w: 300, h: 260 };

/** A safe worker pacing between two x positions at height y (back at the start by the loop end). */
function pacer(id: string, x0: number, x1: number, y: number): SceneDefinition['entities'][number] {
  return {
    kind: 'worker',
    id,
    helmet: true,
    vest: true,
    track: [
      [0, x0, y],
      [DURATION / 2, x1, y],
      [DURATION, x0, y],
    ],
  };
}

export const SCENES: readonly SceneDefinition[] = [
  {
    name: 'safe',
    hazard: null,
    duration: DURATION,
    description: 'two workers with hard hat and vest walk outside the restricted zone',
    entities: [ZONE, pacer('w1', 100, 600, 200), pacer('w2', 700, 250, 450)],
  },
  {
    name: 'no_hard_hat',
    hazard: 'no_hard_hat',
    duration: DURATION,
    description: 'a worker without a hard hat walks through from 5 s to 15 s',
    entities: [
      ZONE,
      pacer('w1', 100, 500, 180),
      {
        kind: 'worker',
        id: 'w2',
        helmet: false,
        vest: true,
        visible: [5, 15],
        track: [
          [5, 80, 450],
          [15, 700, 450],
        ],
      },
    ],
  },
  {
    name: 'no_safety_vest',
    hazard: 'no_safety_vest',
    duration: DURATION,
    description: 'a worker without a hi-vis vest walks through from 6 s to 16 s',
    entities: [
      ZONE,
      pacer('w1', 650, 150, 180),
      {
        kind: 'worker',
        id: 'w2',
        helmet: true,
        vest: false,
        visible: [6, 16],
        track: [
          [6, 700, 470],
          [16, 100, 470],
        ],
      },
    ],
  },
  {
    name: 'restricted_zone_intrusion',
    hazard: 'restricted_zone_intrusion',
    duration: DURATION,
    description: 'a worker walks into the red zone at ~7 s, stays, and leaves at ~13 s',
    entities: [
      ZONE,
      pacer('w1', 100, 400, 150),
      {
        kind: 'worker',
        id: 'w2',
        helmet: true,
        vest: true,
        track: [
          [0, 500, 450],
          [5, 600, 450],
          [8, 980, 450],
          [12, 980, 450],
          [15, 600, 450],
          [20, 500, 450],
        ],
      },
    ],
  },
  {
    name: 'person_fall',
    hazard: 'person_fall',
    duration: DURATION,
    description: 'a worker falls at 6 s, lies still, and gets up at 14 s',
    entities: [
      ZONE,
      pacer('w1', 650, 200, 150),
      {
        kind: 'worker',
        id: 'w2',
        helmet: true,
        vest: true,
        fallen: [6, 14],
        track: [
          [0, 150, 420],
          [6, 450, 420],
          [14, 450, 420],
          [20, 150, 420],
        ],
      },
    ],
  },
  {
    name: 'fire',
    hazard: 'fire',
    duration: DURATION,
    description: 'flames with smoke burn from 5 s to 15 s; a worker keeps away',
    entities: [ZONE, pacer('w1', 100, 300, 450), { kind: 'fire', x: 560, y: 300, w: 120, h: 90, visible: [5, 15] }],
  },
  {
    name: 'forklift_pedestrian_proximity',
    hazard: 'forklift_pedestrian_proximity',
    duration: DURATION,
    description:
      'a forklift drives up to a standing worker (closer than PROXIMITY_PX from ~7.2 s to ~12.6 s) and backs off',
    entities: [
      ZONE,
      { kind: 'worker', id: 'w1', helmet: true, vest: true, track: [[0, 700, 400]] },
      {
        kind: 'forklift',
        track: [
          [0, 20, 410],
          [8, 440, 410],
          [12, 440, 410],
          [18, 20, 410],
        ],
      },
    ],
  },
  {
    // Issue #13: nothing in it moves, so consecutive clips are (up to the encoder) the same:
    // what the unchanged-scene gate is measured on. The renderer adds no sensor noise.
    name: 'static_floor',
    hazard: null,
    duration: DURATION,
    description: 'an empty floor with a forklift parked next to the restricted zone; no people, nothing moves',
    entities: [ZONE, { kind: 'forklift', track: [[0, 300, 420]] }],
    inRotation: false,
  },
];

/** Scene by name, or undefined. */
export function findScene(name: string): SceneDefinition | undefined {
  return SCENES.find((s) => s.name === name);
}
