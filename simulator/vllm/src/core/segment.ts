import { PALETTE, type PaletteName, type Rgb } from '../../../shared/palette';
import type { Frame } from './frame';
import { FILL_ALPHA, KIND_RGB } from '../../../../functions/shared/src/zones/overlay-style';

/** An axis-aligned box in frame pixels. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** A connected region of pixels of one colour group. `counts` = pixels per palette class inside it. */
export interface Blob extends Box {
  readonly area: number;
  readonly counts: Readonly<Partial<Record<PaletteName, number>>>;
}

const NAMES = Object.keys(PALETTE) as PaletteName[];
const COLOURS: readonly Rgb[] = NAMES.map((n) => PALETTE[n]);
export const NONE = 255;

/**
 * Palette colours as they look under a drawn restricted zone (the overlay of
 * functions/shared/src/zones, composited by ffmpeg into the model's frames): the same class,
 * except the tinted floor, which *is* the zone. So a worker inside a drawn zone reads as a
 * worker in a zone, exactly like one on the painted floor.
 */
const TINTED: readonly { rgb: Rgb; cls: number }[] = (() => {
  const a = FILL_ALPHA / 255;
  const tint = KIND_RGB.restricted;
  const over = (c: Rgb): Rgb => [0, 1, 2].map((i) => Math.round(c[i]! * (1 - a) + tint[i]! * a)) as unknown as Rgb;
  // Only what a person standing in a zone shows: a tinted hard hat lands next to fireB, which
  // hasHelmet already counts, and aliasing flame colours would shift fire detection.
  const under: readonly PaletteName[] = ['floor', 'body', 'vest', 'skin'];
  return under.map((n) => ({ rgb: over(PALETTE[n]), cls: n === 'floor' ? NAMES.indexOf('zone') : NAMES.indexOf(n) }));
})();

/**
 * A frame labelled with the nearest palette colour per sampled pixel. Large frames are sampled on a
 * grid (`step`) so a 720p image costs the same as a 448 px one; boxes are reported in frame pixels.
 */
export interface LabelMap {
  readonly cols: number;
  readonly rows: number;
  readonly step: number;
  readonly labels: Uint8Array;
}

/**
 * Nearest-palette labelling with a distance cut-off. The tolerance absorbs the colour shifts of
 * H.264 (4:2:0 chroma) followed by JPEG; anything farther from every palette colour stays unlabelled.
 */
export function labelFrame(frame: Frame, tolerance = 80, maxCols = 640): LabelMap {
  const lut = lutFor(tolerance);
  const step = Math.max(1, Math.ceil(frame.width / maxCols));
  const cols = Math.floor(frame.width / step);
  const rows = Math.floor(frame.height / step);
  const labels = new Uint8Array(cols * rows);
  const { data, channels, width } = frame;
  for (let r = 0; r < rows; r++) {
    let o = r * step * width * channels;
    const rowOut = r * cols;
    for (let c = 0; c < cols; c++, o += step * channels) {
      labels[rowOut + c] = lut[
        (((data[o] as number) >> 3) << 10) | (((data[o + 1] as number) >> 3) << 5) | ((data[o + 2] as number) >> 3)
      ] as number;
    }
  }
  return { cols, rows, step, labels };
}

const luts = new Map<number, Uint8Array>();

/**
 * Nearest-palette class for every colour quantised to 5 bits per channel (32768 entries, built
 * once): labelling a pixel becomes one table read instead of ten distance computations.
 */
function lutFor(tolerance: number): Uint8Array {
  const cached = luts.get(tolerance);
  if (cached) return cached;
  const lut = new Uint8Array(1 << 15).fill(NONE);
  const tol2 = tolerance * tolerance;
  for (let q = 0; q < lut.length; q++) {
    const R = ((q >> 10) << 3) + 4;
    const G = (((q >> 5) & 31) << 3) + 4;
    const B = ((q & 31) << 3) + 4;
    let bestD = tol2;
    for (let k = 0; k < COLOURS.length; k++) {
      const p = COLOURS[k] as Rgb;
      const d = (R - p[0]) ** 2 + (G - p[1]) ** 2 + (B - p[2]) ** 2;
      if (d < bestD) {
        bestD = d;
        lut[q] = k;
      }
    }
    for (const { rgb: p, cls } of TINTED) {
      const d = (R - p[0]) ** 2 + (G - p[1]) ** 2 + (B - p[2]) ** 2;
      if (d < bestD) {
        bestD = d;
        lut[q] = cls;
      }
    }
  }
  luts.set(tolerance, lut);
  return lut;
}

/** Palette class index of a name, for comparisons against `LabelMap.labels`. */
export function classIndex(name: PaletteName): number {
  return NAMES.indexOf(name);
}

/**
 * Connected components (4-neighbour) of the pixels whose class is in `group`, at least `minArea`
 * frame pixels large. Iterative flood fill: no recursion depth limits on big regions like the zone.
 */
export function findBlobs(map: LabelMap, group: readonly PaletteName[], minArea: number, joinGap = 0): Blob[] {
  const inGroup = new Uint8Array(256);
  for (const n of group) inGroup[classIndex(n)] = 1;
  const { cols, rows, labels, step } = map;
  const seen = new Uint8Array(cols * rows);
  const stack: number[] = [];
  const blobs: Blob[] = [];
  for (let start = 0; start < labels.length; start++) {
    if (seen[start] || !inGroup[labels[start] ?? NONE]) continue;
    seen[start] = 1;
    stack.push(start);
    let minX = cols,
      minY = rows,
      maxX = -1,
      maxY = -1,
      n = 0;
    const counts = new Map<number, number>();
    while (stack.length > 0) {
      const i = stack.pop() as number;
      const x = i % cols;
      const y = (i - x) / cols;
      n++;
      const cls = labels[i] ?? NONE;
      counts.set(cls, (counts.get(cls) ?? 0) + 1);
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      const next = [x > 0 ? i - 1 : -1, x < cols - 1 ? i + 1 : -1, y > 0 ? i - cols : -1, y < rows - 1 ? i + cols : -1];
      for (const j of next) {
        if (j >= 0 && !seen[j] && inGroup[labels[j] ?? NONE]) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    const area = n * step * step;
    if (joinGap <= 0 && area < minArea) continue;
    const named: Partial<Record<PaletteName, number>> = {};
    for (const [cls, c] of counts) {
      const name = NAMES[cls];
      if (name) named[name] = c * step * step;
    }
    blobs.push({
      x: minX * step,
      y: minY * step,
      w: (maxX - minX + 1) * step,
      h: (maxY - minY + 1) * step,
      area,
      counts: named,
    });
  }
  return joinGap > 0 ? joinNear(blobs, joinGap).filter((b) => b.area >= minArea) : blobs;
}

function join(a: Blob, b: Blob): Blob {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  const counts: Partial<Record<PaletteName, number>> = { ...a.counts };
  for (const [k, v] of Object.entries(b.counts) as [PaletteName, number][]) counts[k] = (counts[k] ?? 0) + v;
  return {
    x,
    y,
    w: Math.max(a.x + a.w, b.x + b.w) - x,
    h: Math.max(a.y + a.h, b.y + b.h) - y,
    area: a.area + b.area,
    counts,
  };
}

/**
 * Joins blobs closer than `gap` px. Where two colours meet, H.264's 4:2:0 chroma and JPEG blend
 * them into a row of pixels that match neither (a vest over blue coveralls leaves a teal seam),
 * which would otherwise split one worker into two.
 */
export function joinNear(blobs: readonly Blob[], gap: number): Blob[] {
  const out = [...blobs];
  for (let merged = true; merged;) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++) {
      for (let j = i + 1; j < out.length; j++) {
        if (boxGap(out[i] as Blob, out[j] as Blob) <= gap) {
          out[i] = join(out[i] as Blob, out[j] as Blob);
          out.splice(j, 1);
          merged = true;
          break;
        }
      }
    }
  }
  return out;
}

/** Frame pixels of the given classes inside a box (clipped to the frame). */
export function countIn(map: LabelMap, box: Box, names: readonly PaletteName[]): number {
  const wanted = new Set(names.map(classIndex));
  const { cols, rows, labels, step } = map;
  const c0 = Math.max(0, Math.floor(box.x / step));
  const r0 = Math.max(0, Math.floor(box.y / step));
  const c1 = Math.min(cols, Math.ceil((box.x + box.w) / step));
  const r1 = Math.min(rows, Math.ceil((box.y + box.h) / step));
  let n = 0;
  for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) if (wanted.has(labels[r * cols + c] ?? NONE)) n++;
  return n * step * step;
}

/** Gap between two boxes (0 when they touch or overlap). */
export function boxGap(a: Box, b: Box): number {
  const dx = Math.max(0, b.x - (a.x + a.w), a.x - (b.x + b.w));
  const dy = Math.max(0, b.y - (a.y + a.h), a.y - (b.y + b.h));
  return Math.hypot(dx, dy);
}

/** Overlap area of two boxes. */
export function overlapArea(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}
