// @ts-check
// The zone editor's canvas: the camera's latest frame with its zones drawn in the colours the
// model's overlay uses (KIND_RGB, FILL_ALPHA from functions/shared/src/zones), and pointer geometry.
import { FILL_ALPHA, KIND_RGB } from './labels.js';

/** @typedef {import('./types.js').ZoneKind} ZoneKind */
/** @typedef {[number, number]} Point normalised 0..1 */
/** @typedef {{ name: string, kind: ZoneKind, polygon: Point[] }} EditedZone */

/**
 * @typedef {object} Scene what draw() shows
 * @property {HTMLImageElement | null} frame
 * @property {EditedZone[]} zones
 * @property {number} zoneIdx the selected zone (-1: none)
 * @property {number} pointIdx the selected vertex of it (-1: none)
 */

/** @param {number} v */
export const round = (v) => Math.min(1, Math.max(0, Math.round(v * 10000) / 10000));

/** @param {HTMLCanvasElement} canvas @param {MouseEvent} e @returns {Point} */
export function eventPoint(canvas, e) {
  const r = canvas.getBoundingClientRect();
  return [
    Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)),
    Math.min(1, Math.max(0, (e.clientY - r.top) / r.height)),
  ];
}

/**
 * The vertex of `zone` under the pointer (within 8 css px), or -1.
 * @param {HTMLCanvasElement} canvas @param {EditedZone | undefined} zone @param {Point} p
 */
export function hitPoint(canvas, zone, p) {
  if (!zone) return -1;
  const r = canvas.getBoundingClientRect();
  return zone.polygon.findIndex(([x, y]) => Math.hypot((x - p[0]) * r.width, (y - p[1]) * r.height) <= 8);
}

/** The edge of `poly` nearest to a point: where a click on a finished polygon inserts a vertex. @param {Point[]} poly @param {Point} p */
export function nearestEdge(poly, [px, py]) {
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < poly.length; i++) {
    const [ax, ay] = /** @type {Point} */ (poly[i]);
    const [bx, by] = /** @type {Point} */ (poly[(i + 1) % poly.length]);
    const t = Math.max(
      0,
      Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2 || 1)),
    );
    const d = Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
    if (d < bestD) [best, bestD] = [i, d];
  }
  return best;
}

/** @param {CanvasRenderingContext2D} ctx @param {HTMLCanvasElement} canvas */
function drawBlank(ctx, canvas) {
  ctx.fillStyle = '#2a2f36';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#8a99a8';
  ctx.font = '14px sans-serif';
  ctx.fillText('아직 영상 없음 · no frame yet', 16, 28);
}

/** @param {HTMLCanvasElement} canvas @param {Scene} scene */
export function draw(canvas, scene) {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (scene.frame) ctx.drawImage(scene.frame, 0, 0, canvas.width, canvas.height);
  else drawBlank(ctx, canvas);
  scene.zones.forEach((z, i) => {
    const [r, g, b] = KIND_RGB[z.kind];
    /** @type {Point[]} */
    const pts = z.polygon.map(([x, y]) => [x * canvas.width, y * canvas.height]);
    const top = [...pts].sort((a, c) => a[1] - c[1])[0];
    if (!top) return;
    ctx.beginPath();
    pts.forEach(([x, y], k) => (k ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    if (pts.length >= 3) ctx.closePath();
    ctx.fillStyle = `rgba(${r},${g},${b},${FILL_ALPHA / 255})`;
    if (pts.length >= 3) ctx.fill();
    ctx.strokeStyle = `rgb(${r},${g},${b})`;
    ctx.lineWidth = i === scene.zoneIdx ? 3 : 2;
    ctx.stroke();
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.font = 'bold 12px sans-serif';
    ctx.fillText(z.name, top[0] + 2, Math.max(12, top[1] - 4));
    if (i !== scene.zoneIdx) return;
    pts.forEach(([x, y], k) => {
      ctx.beginPath();
      ctx.arc(x, y, k === scene.pointIdx ? 6 : 4, 0, Math.PI * 2);
      ctx.fillStyle = k === scene.pointIdx ? '#fff' : `rgb(${r},${g},${b})`;
      ctx.fill();
      ctx.strokeStyle = '#000';
      ctx.lineWidth = 1;
      ctx.stroke();
    });
  });
}
