/**
 * The synthetic CCTV world's visual vocabulary, shared by the scene renderer (rtsp-sim)
 * and the frame detector (vllm-sim). One source for both, so what is drawn is exactly
 * what is looked for. Colours are chosen far apart in RGB so H.264 + JPEG round trips
 * keep them separable; this is a simulator, not a claim about real scenes.
 */
export type Rgb = readonly [number, number, number];

export const PALETTE = {
  /** concrete floor */
  floor: [128, 128, 128],
  /** painted restricted zone (filled rectangle on the floor) */
  zone: [200, 30, 30],
  /** worker's coveralls (torso + legs) */
  body: [30, 80, 200],
  /** worker's face */
  skin: [224, 172, 105],
  /** hard hat, drawn on top of the head */
  helmet: [255, 215, 0],
  /** hi-vis vest, drawn on the torso */
  vest: [57, 255, 20],
  /** flames flicker between these two */
  fireA: [255, 69, 0],
  fireB: [255, 165, 0],
  /** smoke plume above a fire */
  smoke: [60, 60, 60],
  /** forklift body (teal, so it never reads as a helmet or a flame) */
  forklift: [0, 160, 160],
} as const satisfies Record<string, Rgb>;

export type PaletteName = keyof typeof PALETTE;

/** `0xRRGGBB` form that ffmpeg's drawbox/color filters take. */
export function ffmpegColor(rgb: Rgb): string {
  return (
    '0x' +
    rgb
      .map((c) => c.toString(16).padStart(2, '0'))
      .join('')
      .toUpperCase()
  );
}

/**
 * Geometry conventions (in a 1280×720 reference frame; scale with the frame):
 * - a standing worker is a body box ~40×110 px with a ~24×24 head box above it, a helmet box
 *   ~30×12 px on top of the head when worn, and a vest box over the upper half of the torso when worn;
 * - a fallen worker's body box is wider than tall (lying on the floor);
 * - forklift-pedestrian proximity: forklift box and a body box closer than PROXIMITY_PX;
 * - restricted-zone intrusion: a body box overlapping the zone box.
 */
export const REFERENCE_WIDTH = 1280;
export const REFERENCE_HEIGHT = 720;
export const PROXIMITY_PX = 80;

/**
 * Exact worker/forklift sizes (reference px) the rtsp-sim scenes use, for detectors that want
 * numbers rather than the "~" wording above. Standing: head centred above the body, helmet
 * overlapping the head's top 6 px, vest covering the upper half of the torso. Fallen: the same
 * parts rotated 90° (body WORKER.body.h × WORKER.body.w, head beside it, helmet on the head's outer side).
 */
export const WORKER = {
  body: { w: 40, h: 110 },
  head: { w: 24, h: 24 },
  helmet: { w: 30, h: 12, overlap: 6 },
  vest: { w: 40, h: 55 },
} as const;

/** rtsp-sim forklift box (reference px): a teal body with a thinner fork in front. */
export const FORKLIFT = { body: { w: 160, h: 100 }, fork: { w: 60, h: 12 } } as const;
