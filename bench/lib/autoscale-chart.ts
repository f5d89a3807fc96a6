/** One poll of the autoscale benchmark (what the chart and the per-poll CSV show). */
export interface AutoscalePoll {
  /** seconds since the run started */
  readonly t: number;
  readonly cameras: number;
  readonly queued: number;
  readonly inFlight: number;
  readonly desired: number;
  readonly running: number;
  /** clip end → verdict p95 over the last minute, s (undefined before the first verdict) */
  readonly p95s: number | undefined;
}

export interface ChartRun {
  readonly title: string;
  readonly polls: readonly AutoscalePoll[];
}

const W = 900;
const PANEL_H = 260;
const M = { left: 50, right: 60, top: 34, bottom: 36 };
const COLORS = { cameras: '#e8eef7', desired: '#d62728', running: '#1f77b4', queued: '#ff7f0e', inFlight: '#2ca02c' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f = (n: number) => (Math.round(n * 10) / 10).toString();

function niceMax(v: number): number {
  if (v <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** A step line through (x, y) points: horizontal then vertical, as replica counts change. */
function stepPath(pts: readonly [number, number][]): string {
  if (pts.length === 0) return '';
  let d = `M${f(pts[0]![0])},${f(pts[0]![1])}`;
  for (let i = 1; i < pts.length; i++) d += `H${f(pts[i]![0])}V${f(pts[i]![1])}`;
  return d;
}

function linePath(pts: readonly [number, number][]): string {
  return pts.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${f(x)},${f(y)}`).join('');
}

function panel(run: ChartRun, top: number, tMax: number): string {
  const x0 = M.left;
  const x1 = W - M.right;
  const y0 = top + PANEL_H - M.bottom;
  const y1 = top + M.top;
  const polls = run.polls;
  const rMax = 4 * Math.ceil(Math.max(1, ...polls.map((p) => Math.max(p.desired, p.running, p.cameras / 4))) / 4); // integer ticks
  const cMax = niceMax(Math.max(1, ...polls.map((p) => Math.max(p.queued, p.inFlight))));
  const X = (t: number) => x0 + ((x1 - x0) * t) / tMax;
  const YR = (v: number) => y0 - ((y0 - y1) * v) / rMax;
  const YC = (v: number) => y0 - ((y0 - y1) * v) / cMax;
  const out: string[] = [];
  out.push(`<text x="${x0}" y="${top + 20}" font-size="14" font-weight="bold">${esc(run.title)}</text>`);
  // cameras as a shaded band (scaled on the replica axis: cameras / 4)
  const cam = polls.map((p) => [X(p.t), YR(p.cameras / 4)] as [number, number]);
  if (cam.length > 0)
    out.push(`<path d="${stepPath(cam)}V${f(y0)}H${f(X(polls[0]!.t))}Z" fill="${COLORS.cameras}" stroke="none"/>`);
  // axes and grid
  for (let i = 0; i <= 4; i++) {
    const y = y0 - ((y0 - y1) * i) / 4;
    out.push(`<line x1="${x0}" x2="${x1}" y1="${f(y)}" y2="${f(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${x0 - 6}" y="${f(y + 4)}" font-size="11" text-anchor="end">${f((rMax * i) / 4)}</text>`);
    out.push(`<text x="${x1 + 6}" y="${f(y + 4)}" font-size="11">${f((cMax * i) / 4)}</text>`);
  }
  const tick = niceMax(tMax / 8);
  for (let t = 0; t <= tMax; t += tick) {
    out.push(`<text x="${f(X(t))}" y="${y0 + 16}" font-size="11" text-anchor="middle">${f(t)}</text>`);
  }
  out.push(`<text x="${(x0 + x1) / 2}" y="${y0 + 30}" font-size="11" text-anchor="middle">seconds</text>`);
  out.push(
    `<text x="12" y="${(y0 + y1) / 2}" font-size="11" transform="rotate(-90 12 ${(y0 + y1) / 2})" text-anchor="middle">replicas (cameras ÷ 4 shaded)</text>`,
  );
  out.push(
    `<text x="${W - 10}" y="${(y0 + y1) / 2}" font-size="11" transform="rotate(90 ${W - 10} ${(y0 + y1) / 2})" text-anchor="middle">clips queued / in flight</text>`,
  );
  out.push(
    `<path d="${linePath(polls.map((p) => [X(p.t), YC(p.queued)]))}" fill="none" stroke="${COLORS.queued}" stroke-width="1.2"/>`,
  );
  out.push(
    `<path d="${linePath(polls.map((p) => [X(p.t), YC(p.inFlight)]))}" fill="none" stroke="${COLORS.inFlight}" stroke-width="1.2"/>`,
  );
  out.push(
    `<path d="${stepPath(polls.map((p) => [X(p.t), YR(p.desired)]))}" fill="none" stroke="${COLORS.desired}" stroke-width="2" stroke-dasharray="5 3"/>`,
  );
  out.push(
    `<path d="${stepPath(polls.map((p) => [X(p.t), YR(p.running)]))}" fill="none" stroke="${COLORS.running}" stroke-width="2.5"/>`,
  );
  out.push(`<rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}" fill="none" stroke="#999"/>`);
  return out.join('\n');
}

/**
 * The autoscale benchmark's chart, as SVG text (no external tools): per run, replicas desired
 * (dashed) and running (solid) on the left axis with the camera count shaded behind, queued and
 * in-flight clips on the right axis. Runs share the time axis, one panel each.
 */
export function autoscaleSvg(runs: readonly ChartRun[], caption: string): string {
  const tMax = niceMax(Math.max(1, ...runs.flatMap((r) => r.polls.map((p) => p.t))));
  const legendH = 40;
  const H = runs.length * PANEL_H + legendH;
  const items: [string, string, string][] = [
    ['running replicas', COLORS.running, ''],
    ['desired replicas', COLORS.desired, '5 3'],
    ['queued (LLEN)', COLORS.queued, ''],
    ['in flight (ZCARD)', COLORS.inFlight, ''],
  ];
  const step = 165;
  const legend =
    items
      .map(([label, color, dash], i) => {
        const x = M.left + i * step;
        return (
          `<line x1="${x}" x2="${x + 24}" y1="${H - 24}" y2="${H - 24}" stroke="${color}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>` +
          `<text x="${x + 30}" y="${H - 20}" font-size="12">${esc(label)}</text>`
        );
      })
      .join('\n') +
    `\n<rect x="${M.left + items.length * step}" y="${H - 31}" width="24" height="14" fill="${COLORS.cameras}"/>` +
    `<text x="${M.left + items.length * step + 30}" y="${H - 20}" font-size="12">cameras ÷ 4</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H + 16}" viewBox="0 0 ${W} ${H + 16}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...runs.map((r, i) => panel(r, i * PANEL_H, tMax)),
    legend,
    `<text x="${M.left}" y="${H + 8}" font-size="11" fill="#555">${esc(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
