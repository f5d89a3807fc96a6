import { createHash } from 'node:crypto';
import type { Zone } from '../camera-registry/schema';
import { drawText, GLYPH_H, textWidth } from './font5x7';
import { FILL_ALPHA, KIND_RGB, OUTLINE_ALPHA, zoneLabel } from './overlay-style';
import { encodePng } from './png';

/**
 * Overlay canvas. ffmpeg scales it to each clip's frame size (filter.ts), so one PNG serves
 * every resolution; 640×360 keeps a 2 px outline and the labels legible at the model's 448 px.
 */
export const OVERLAY_WIDTH = 640;
export const OVERLAY_HEIGHT = 360;
const OUTLINE_PX = 2;
const LABEL_SCALE = 2;

type Rgba = readonly [number, number, number, number];

class Canvas {
  readonly px: Uint8Array;
  constructor(
    readonly w: number,
    readonly h: number,
  ) {
    this.px = new Uint8Array(w * h * 4);
  }

  /** Source-over compositing onto a transparent canvas (straight alpha, as PNG stores it). */
  blend(x: number, y: number, [r, g, b, a]: Rgba): void {
    if (x < 0 || y < 0 || x >= this.w || y >= this.h || a === 0) return;
    const i = (y * this.w + x) * 4;
    const da = this.px[i + 3]! / 255;
    const sa = a / 255;
    const oa = sa + da * (1 - sa);
    const mix = (s: number, d: number) => Math.round((s * sa + d * da * (1 - sa)) / oa);
    this.px[i] = mix(r, this.px[i]!);
    this.px[i + 1] = mix(g, this.px[i + 1]!);
    this.px[i + 2] = mix(b, this.px[i + 2]!);
    this.px[i + 3] = Math.round(oa * 255);
  }
}

/** Pixel indexes (y·w + x) inside the polygon: even-odd scanline, sampled at pixel centres. */
function polygonPixels(w: number, h: number, pts: readonly (readonly [number, number])[]): number[] {
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    const sy = y + 0.5;
    const xs: number[] = [];
    for (let i = 0; i < pts.length; i++) {
      const [x1, y1] = pts[i]!;
      const [x2, y2] = pts[(i + 1) % pts.length]!;
      if ((y1 <= sy && y2 > sy) || (y2 <= sy && y1 > sy)) xs.push(x1 + ((sy - y1) / (y2 - y1)) * (x2 - x1));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const to = Math.min(w, Math.ceil(xs[k + 1]! - 0.5));
      for (let x = Math.max(0, Math.ceil(xs[k]! - 0.5)); x < to; x++) out.push(y * w + x);
    }
  }
  return out;
}

/**
 * The most of the frame the fills may tint together. Issue #28.3: five stacked full-frame zones
 * made the worker invisible and a real incident resolved as "safe"; twenty made a solid frame.
 * So each pixel is tinted once whatever the overlap (the first zone drawn keeps it), and once the
 * tinted area would pass this share, further zones are drawn as outline and label only: a zone
 * that covers most of the frame has no "inside" worth highlighting, and the scene stays visible.
 */
export const MAX_TINTED_SHARE = 0.5;

/** A thin outline: each edge walked in half-pixel steps, a square brush, every pixel painted once. */
function strokePolygon(c: Canvas, pts: readonly (readonly [number, number])[], colour: Rgba): void {
  const seen = new Set<number>();
  const stamp = (x: number, y: number) => {
    for (let dy = 0; dy < OUTLINE_PX; dy++) {
      for (let dx = 0; dx < OUTLINE_PX; dx++) {
        const px = Math.floor(x - OUTLINE_PX / 2) + dx;
        const py = Math.floor(y - OUTLINE_PX / 2) + dy;
        const key = py * c.w + px;
        if (seen.has(key)) continue;
        seen.add(key);
        c.blend(px, py, colour);
      }
    }
  };
  const onBorder = (a: number, b: number, max: number) => (a <= 0 && b <= 0) || (a >= max && b >= max);
  for (let i = 0; i < pts.length; i++) {
    const [x1, y1] = pts[i]!;
    const [x2, y2] = pts[(i + 1) % pts.length]!;
    // an edge along the frame's own border outlines nothing, and a line there only hides the edge
    // of the scene (a full-frame zone is drawn as its label alone)
    if (onBorder(x1, x2, c.w) || onBorder(y1, y2, c.h)) continue;
    const steps = Math.max(1, Math.ceil(Math.hypot(x2 - x1, y2 - y1) * 2));
    for (let s = 0; s <= steps; s++) stamp(x1 + ((x2 - x1) * s) / steps, y1 + ((y2 - y1) * s) / steps);
  }
}

/** The label in a box at the zone's top-most vertex, kept inside the frame. */
function drawLabel(
  c: Canvas,
  pts: readonly (readonly [number, number])[],
  text: string,
  rgb: readonly [number, number, number],
): void {
  const top = [...pts].sort((a, b) => a[1] - b[1] || a[0] - b[0])[0]!;
  const pad = 2;
  const w = textWidth(text, LABEL_SCALE) + pad * 2;
  const h = GLYPH_H * LABEL_SCALE + pad * 2;
  const x0 = Math.min(Math.max(0, Math.round(top[0])), c.w - w);
  const y0 = Math.min(Math.max(0, Math.round(top[1]) - h), c.h - h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) c.blend(x0 + x, y0 + y, [rgb[0], rgb[1], rgb[2], 220]);
  drawText(text, LABEL_SCALE, (x, y) => c.blend(x0 + pad + x, y0 + pad + y, [255, 255, 255, 255]));
}

/** RGBA pixels of the zones (transparent elsewhere). Pure. */
export function renderZonesRgba(zones: readonly Zone[], width = OVERLAY_WIDTH, height = OVERLAY_HEIGHT): Uint8Array {
  const c = new Canvas(width, height);
  const tinted = new Uint8Array(width * height);
  const budget = Math.floor(MAX_TINTED_SHARE * width * height);
  let used = 0;
  const scaled = zones.map((z) => ({ z, pts: z.polygon.map(([x, y]) => [x * width, y * height] as const) }));
  for (const { z, pts } of scaled) {
    const [r, g, b] = KIND_RGB[z.kind];
    const fresh = polygonPixels(width, height, pts).filter((i) => !tinted[i]);
    if (used + fresh.length <= budget) {
      used += fresh.length;
      for (const i of fresh) {
        tinted[i] = 1;
        c.blend(i % width, Math.floor(i / width), [r, g, b, FILL_ALPHA]);
      }
    }
    strokePolygon(c, pts, [r, g, b, OUTLINE_ALPHA]);
  }
  // labels last, so a neighbouring zone's fill never covers one
  for (const { z, pts } of scaled) drawLabel(c, pts, zoneLabel(z), KIND_RGB[z.kind]);
  return c.px;
}

/** The zones as a PNG (semi-transparent fill, thin outline, label; one colour per kind). Pure. */
export function renderZonesPng(zones: readonly Zone[], width = OVERLAY_WIDTH, height = OVERLAY_HEIGHT): Buffer {
  return encodePng(width, height, renderZonesRgba(zones, width, height));
}

/** Content id of a zone set: the overlay file's name, so a change is a new file and an unchanged set is reused. */
export function zonesHash(zones: readonly Zone[]): string {
  const canon = zones.map((z) => [z.name, z.kind, z.polygon]);
  return createHash('sha256')
    .update(JSON.stringify([OVERLAY_WIDTH, OVERLAY_HEIGHT, canon]))
    .digest('hex')
    .slice(0, 16);
}
