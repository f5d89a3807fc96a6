import { PALETTE, REFERENCE_HEIGHT, REFERENCE_WIDTH, ffmpegColor, type Rgb } from '../../shared/palette';
import { fillBox, solidFrame, type Frame } from '../src/core/frame';

/**
 * Test scenes drawn from the palette geometry (simulator/shared/palette.ts), in 1280×720
 * reference coordinates: as pixel buffers, and as an ffmpeg drawbox chain for real clips.
 * Independent of rtsp-sim's renderer on purpose: the detector is tested against the palette
 * contract, not against one implementation of it.
 */
export interface TestWorker {
  x: number;
  y: number;
  helmet?: boolean;
  vest?: boolean;
  fallen?: boolean;
}
export interface TestScene {
  workers?: TestWorker[];
  zone?: { x: number; y: number; w: number; h: number };
  fire?: { x: number; y: number };
  forklift?: { x: number; y: number };
}

type Rect = [number, number, number, number, Rgb];

/** The scene as boxes, back to front. */
export function sceneBoxes(scene: TestScene): Rect[] {
  const r: Rect[] = [];
  if (scene.zone) r.push([scene.zone.x, scene.zone.y, scene.zone.w, scene.zone.h, PALETTE.zone]);
  if (scene.forklift) r.push([scene.forklift.x, scene.forklift.y, 160, 100, PALETTE.forklift]);
  if (scene.fire) {
    r.push([scene.fire.x - 15, scene.fire.y - 80, 90, 70, PALETTE.smoke]);
    r.push([scene.fire.x, scene.fire.y, 60, 80, PALETTE.fireA]);
    r.push([scene.fire.x + 15, scene.fire.y + 20, 30, 40, PALETTE.fireB]);
  }
  for (const w of scene.workers ?? []) {
    if (w.fallen) {
      r.push([w.x, w.y, 110, 40, PALETTE.body]);
      r.push([w.x - 24, w.y + 8, 24, 24, PALETTE.skin]);
      if (w.helmet) r.push([w.x - 36, w.y + 5, 12, 30, PALETTE.helmet]);
      if (w.vest) r.push([w.x, w.y, 28, 40, PALETTE.vest]);
    } else {
      r.push([w.x, w.y, 40, 110, PALETTE.body]);
      r.push([w.x + 8, w.y - 24, 24, 24, PALETTE.skin]);
      if (w.helmet) r.push([w.x + 5, w.y - 36, 30, 12, PALETTE.helmet]);
      if (w.vest) r.push([w.x, w.y, 40, 28, PALETTE.vest]);
    }
  }
  return r;
}

/** Draws the scene into a width×height RGB frame (geometry scaled from the reference frame). */
export function drawScene(scene: TestScene, width = 448, height = 252): Frame {
  const f = solidFrame(width, height, PALETTE.floor);
  const sx = width / REFERENCE_WIDTH;
  const sy = height / REFERENCE_HEIGHT;
  for (const [x, y, w, h, c] of sceneBoxes(scene)) fillBox(f, x * sx, y * sy, w * sx, h * sy, c);
  return f;
}

/** The same scene as an ffmpeg `-vf` drawbox chain on a 1280×720 floor. */
export function drawboxFilter(scene: TestScene): string {
  return sceneBoxes(scene)
    .map(([x, y, w, h, c]) => `drawbox=x=${x}:y=${y}:w=${w}:h=${h}:color=${ffmpegColor(c)}:t=fill`)
    .join(',');
}

/** Standard test scenes, each with the hazards it should yield. */
export const CASES: { name: string; scene: TestScene; expect: string[] }[] = [
  {
    name: 'safe',
    scene: { zone: { x: 850, y: 420, w: 300, h: 200 }, workers: [{ x: 300, y: 300, helmet: true, vest: true }] },
    expect: [],
  },
  { name: 'no_hard_hat', scene: { workers: [{ x: 300, y: 300, vest: true }] }, expect: ['no_hard_hat'] },
  { name: 'no_safety_vest', scene: { workers: [{ x: 300, y: 300, helmet: true }] }, expect: ['no_safety_vest'] },
  {
    name: 'restricted_zone_intrusion',
    scene: { zone: { x: 850, y: 420, w: 300, h: 200 }, workers: [{ x: 950, y: 470, helmet: true, vest: true }] },
    expect: ['restricted_zone_intrusion'],
  },
  {
    name: 'person_fall',
    scene: { workers: [{ x: 500, y: 550, helmet: true, vest: true, fallen: true }] },
    expect: ['person_fall'],
  },
  { name: 'person_fall without PPE', scene: { workers: [{ x: 500, y: 550, fallen: true }] }, expect: ['person_fall'] },
  {
    name: 'fire',
    scene: { fire: { x: 900, y: 300 }, workers: [{ x: 300, y: 300, helmet: true, vest: true }] },
    expect: ['fire', 'smoke'],
  },
  {
    name: 'forklift_pedestrian_proximity',
    scene: { forklift: { x: 400, y: 300 }, workers: [{ x: 600, y: 300, helmet: true, vest: true }] },
    expect: ['forklift_pedestrian_proximity'],
  },
];
