// @ts-check
// The camera grid: one tile per camera (latest frame, status, open incidents); a click plays its newest clip.
import { $, h, one } from './dom.js';
import { SEVERITY_LABEL, ago, statusChip, thumbUrl } from './format.js';
import { coverageLine } from './coverage.js';
import { openCamera } from './player.js';
import { app } from './state.js';

/** @typedef {import('./types.js').CameraView} CameraView */

/** @type {Map<string, HTMLElement>} */
const tiles = new Map();

/** @param {CameraView} cam */
function newTile(cam) {
  return h(
    'article',
    {
      class: 'cam',
      dataset: { cameraId: cam.cameraId },
      title: '클릭: 최신 클립 재생 · click to play the latest clip',
      onclick: () => openCamera(cam.cameraId),
    },
    h('div', { class: 'cam-thumb' }, h('span', { class: 'cam-wait' }, '영상 대기 · waiting for first clip')),
    h(
      'div',
      { class: 'cam-info' },
      h('div', { class: 'cam-name' }, h('span', { class: 'sdot' }), h('span', { class: 'cam-id' })),
      h('div', { class: 'cam-meta' }),
    ),
  );
}

/** @param {HTMLElement} tile @param {CameraView} cam */
function showThumb(tile, cam) {
  const thumb = one('.cam-thumb', tile);
  if (cam.thumbClip && tile.dataset.clip !== cam.thumbClip) {
    tile.dataset.clip = cam.thumbClip;
    const img = new Image();
    img.alt = `${cam.cameraId} latest frame`;
    img.onload = () => {
      thumb.querySelector('img, .cam-wait')?.remove();
      thumb.prepend(img);
    };
    img.src = thumbUrl(cam.cameraId, cam.thumbClip);
  }
  thumb.querySelectorAll('.cam-badge, .cam-offline').forEach((n) => n.remove());
  if (cam.severity)
    thumb.append(
      h('span', { class: `cam-badge ${cam.severity}` }, `${SEVERITY_LABEL[cam.severity]} · ${cam.openIncidents}`),
    );
  if (cam.status === 'offline') thumb.append(h('div', { class: 'cam-offline' }, '오프라인 · OFFLINE'));
}

export function renderCameras() {
  const grid = $('cameras');
  const seen = new Set();
  for (const cam of app.cameras) {
    seen.add(cam.cameraId);
    let tile = tiles.get(cam.cameraId);
    if (!tile) {
      tile = newTile(cam);
      tiles.set(cam.cameraId, tile);
    }
    grid.append(tile); // keeps server order (natural sort)
    tile.dataset.status = cam.status;
    tile.dataset.severity = cam.severity || '';
    one('.sdot', tile).className = `sdot ${cam.status}`;
    one('.cam-id', tile).textContent = cam.cameraId;
    showThumb(tile, cam);
    updateTileMeta(tile, cam);
  }
  for (const [id, tile] of tiles)
    if (!seen.has(id)) {
      tile.remove();
      tiles.delete(id);
    }
  $('cam-meta').textContent =
    `${app.cameras.filter((c) => c.status === 'online').length} online / ${app.cameras.length}`;
}

/** @param {HTMLElement} tile @param {CameraView} cam */
function updateTileMeta(tile, cam) {
  one('.cam-meta', tile).replaceChildren(
    cam.lastVerdict
      ? statusChip(cam.lastVerdict.status)
      : h('span', { class: 'chip muted' }, cam.status === 'unknown' ? '대기 · waiting' : '판정 없음'),
    h(
      'div',
      {},
      cam.lastClipAt ? `clip ${ago(cam.lastClipAt)}` : cam.status === 'offline' ? cam.reason || 'offline' : '',
    ),
    coverageLine(cam.cameraId),
  );
}

/** Every second: the "clip 12s ago" lines. */
export function tickTiles() {
  for (const cam of app.cameras) {
    const tile = tiles.get(cam.cameraId);
    if (tile) updateTileMeta(tile, cam);
  }
}
