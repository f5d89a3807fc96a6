// @ts-check
// Coverage per camera (issue #26.7): seconds of video judged ÷ seconds elapsed in the last hour, and
// its gaps with their cause, from GET /api/coverage; shown on each camera tile.
import { h } from './dom.js';

/** @typedef {{ from: number, to: number, seconds: number, cause: string }} CoverageGap */
/** @typedef {{ ratio: number, judgedSeconds: number, gaps: CoverageGap[] }} CameraCoverage */

const REFRESH_MS = 30_000;

/** @type {Map<string, CameraCoverage>} */
const byCamera = new Map();

/** @type {Record<string, string>} */
const CAUSE = {
  'camera-offline': '카메라 오프라인 · camera offline',
  'recorder-restart': '녹화 재시작 · recorder restart',
  'clip-refused': '클립 거부 · clip refused',
  unknown: '원인 미상 · unknown',
};

async function refresh() {
  const res = await fetch('/api/coverage?seconds=3600', { cache: 'no-store' }).catch(() => null);
  if (!res?.ok) return;
  const body = /** @type {{ cameras: Record<string, CameraCoverage> }} */ (await res.json());
  byCamera.clear();
  for (const [id, c] of Object.entries(body.cameras)) byCamera.set(id, c);
}

/** Polls the coverage every 30 s. */
export function startCoverage() {
  void refresh();
  setInterval(() => void refresh(), REFRESH_MS);
}

/** @param {CoverageGap} g */
const gapLine = (g) =>
  `${new Date(g.from).toLocaleTimeString('en-GB', { hour12: false })} +${g.seconds.toFixed(0)} s: ${CAUSE[g.cause] ?? g.cause}`;

/**
 * The tile's coverage line; its tooltip lists the gaps.
 * @param {string} cameraId
 */
export function coverageLine(cameraId) {
  const c = byCamera.get(cameraId);
  if (!c) return h('div', { class: 'cam-coverage' }, '');
  const pct = (c.ratio * 100).toFixed(c.ratio >= 0.995 && c.ratio < 1 ? 1 : 0);
  const title = c.gaps.length === 0 ? '1시간 공백 없음 · no gap in the last hour' : c.gaps.map(gapLine).join('\n');
  return h(
    'div',
    { class: `cam-coverage${c.ratio < 0.99 ? ' low' : ''}`, title },
    `판정 ${pct}% · coverage 1 h${c.gaps.length ? ` · ${c.gaps.length} gap${c.gaps.length > 1 ? 's' : ''}` : ''}`,
  );
}
