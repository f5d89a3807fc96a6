// @ts-check
// The zone editor of the cameras page: a camera's settings and its zones, drawn on its latest frame.
import { $, $as, h } from './dom.js';
import { draw, eventPoint, hitPoint, nearestEdge, round } from './zone-canvas.js';

/** @typedef {import('./types.js').CameraEntry} CameraEntry */
/** @typedef {import('./types.js').ZoneKind} ZoneKind */
/** @typedef {import('./zone-canvas.js').EditedZone} EditedZone */

/** @type {Record<ZoneKind, string>} */
const KIND_KO = {
  restricted: '출입 금지',
  walkway: '보행자 통로',
  forklift_lane: '지게차 통로',
  ppe_required: '보호구 착용',
};

/**
 * @typedef {object} EditorHooks
 * @property {(id: string, patch: object, done: string) => Promise<boolean>} save PATCHes the camera
 * @property {(text: string, error?: boolean) => void} say
 * @property {() => void} changed the edited camera changed (the list highlights it)
 */

export const editor = {
  /** @type {string | null} */ editing: null,
  /** @type {EditedZone[]} */ zones: [],
  zoneIdx: -1,
  pointIdx: -1,
  drawing: false,
  dragging: false,
  /** @type {HTMLImageElement | null} */ frame: null,
};

const canvas = () => $as('zone-canvas', HTMLCanvasElement);
const field = (/** @type {string} */ id) => $as(id, HTMLInputElement);
const redraw = () => draw(canvas(), editor);
const selected = () => editor.zones[editor.zoneIdx];

/** @param {EditorHooks} hooks @param {CameraEntry} c */
export function openEditor(hooks, c) {
  editor.editing = c.id;
  editor.zones = c.zones.map((z) => ({ name: z.name, kind: z.kind, polygon: z.polygon.map((p) => [p[0], p[1]]) }));
  Object.assign(editor, { zoneIdx: -1, pointIdx: -1, drawing: false, frame: null });
  $('ed-camera').textContent = c.id;
  field('ed-url').value = c.url;
  field('ed-site').value = c.site;
  field('ed-area').value = c.area;
  field('ed-ppe').value = c.requiredPpe.join(', ');
  $as('ed-context', HTMLTextAreaElement).value = c.context;
  field('ed-enabled').checked = c.enabled;
  $('editor').hidden = false;
  const cv = canvas();
  const img = new Image();
  // the camera's latest frame (the thumbnail of its newest clip); a camera with no clip yet gets a blank canvas
  img.onload = () => {
    editor.frame = img;
    cv.width = 640;
    cv.height = Math.round((640 * img.naturalHeight) / img.naturalWidth) || 360;
    cv.dataset.frame = 'loaded';
    redraw();
  };
  img.onerror = () => {
    cv.dataset.frame = 'none';
    redraw();
  };
  delete cv.dataset.frame;
  img.src = `/thumbs/${encodeURIComponent(c.id)}.jpg?t=${Date.now()}`;
  renderZones();
  hooks.changed();
  redraw();
}

/** @param {EditorHooks} hooks */
export function closeEditor(hooks) {
  editor.editing = null;
  $('editor').hidden = true;
  hooks.changed();
}

function renderZones() {
  $('zone-list').replaceChildren(
    ...editor.zones.map((z, i) =>
      h(
        'li',
        {
          class: i === editor.zoneIdx ? 'selected' : '',
          dataset: { zone: z.name, index: String(i) },
          onclick: () => selectZone(i),
        },
        h('span', { class: `zone-swatch ${z.kind}` }),
        h('span', {}, z.name),
        h('span', { class: 'en' }, `${KIND_KO[z.kind]} · ${z.polygon.length} pts`),
      ),
    ),
  );
  const z = selected();
  $('zone-form').hidden = !z;
  if (z) {
    field('zone-name').value = z.name;
    $as('zone-kind', HTMLSelectElement).value = z.kind;
  }
}

/** @param {number} i */
function selectZone(i) {
  Object.assign(editor, { zoneIdx: i, pointIdx: -1, drawing: false });
  renderZones();
  redraw();
}

/** @param {EditorHooks} hooks */
async function saveEdits(hooks) {
  const bad = editor.zones.find((z) => z.polygon.length < 3);
  if (bad) return hooks.say(`"${bad.name}": 점이 3개 이상 필요 · needs at least 3 points`, true);
  if (!editor.editing) return;
  const patch = {
    url: field('ed-url').value.trim(),
    site: field('ed-site').value.trim() || 'industrial plant floor',
    area: field('ed-area').value.trim(),
    requiredPpe: field('ed-ppe')
      .value.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    context: $as('ed-context', HTMLTextAreaElement).value,
    enabled: field('ed-enabled').checked,
    zones: editor.zones.map((z) => ({
      name: z.name.trim(),
      kind: z.kind,
      polygon: z.polygon.map(([x, y]) => [round(x), round(y)]),
    })),
  };
  if (await hooks.save(editor.editing, patch, '저장됨 · saved')) {
    editor.drawing = false;
    document.body.dataset.saved = String(Date.now());
  }
}

/** Wires the editor's buttons and the canvas's pointer and keys (once per page). @param {EditorHooks} hooks */
export function wireEditor(hooks) {
  const cv = canvas();
  $('ed-close').addEventListener('click', () => closeEditor(hooks));
  $('ed-save').addEventListener('click', () => void saveEdits(hooks));
  $('zone-new').addEventListener('click', () => {
    let n = editor.zones.length + 1;
    while (editor.zones.some((z) => z.name === `zone ${n}`)) n++;
    editor.zones.push({ name: `zone ${n}`, kind: 'restricted', polygon: [] });
    Object.assign(editor, { zoneIdx: editor.zones.length - 1, drawing: true });
    renderZones();
    redraw();
    cv.focus();
  });
  field('zone-name').addEventListener('input', () => {
    const z = selected();
    if (z) z.name = field('zone-name').value;
    renderZones();
    redraw();
  });
  $as('zone-kind', HTMLSelectElement).addEventListener('change', (e) => {
    const z = selected();
    if (z) z.kind = /** @type {ZoneKind} */ (/** @type {HTMLSelectElement} */ (e.target).value);
    renderZones();
    redraw();
  });
  $('zone-delete').addEventListener('click', () => {
    if (editor.zoneIdx < 0) return;
    editor.zones.splice(editor.zoneIdx, 1);
    selectZone(-1);
  });
  wireCanvas(cv);
}

/** @param {HTMLCanvasElement} cv */
function wireCanvas(cv) {
  cv.addEventListener('mousedown', (e) => {
    const p = eventPoint(cv, e);
    const z = selected();
    if (!z) return;
    const hit = hitPoint(cv, z, p);
    if (hit >= 0) Object.assign(editor, { pointIdx: hit, dragging: true });
    else if (editor.drawing || z.polygon.length < 3) {
      z.polygon.push(p);
      editor.pointIdx = z.polygon.length - 1;
      renderZones();
    } else {
      // insert on the nearest edge: reshaping a finished polygon without redrawing it
      z.polygon.splice(nearestEdge(z.polygon, p) + 1, 0, p);
      editor.pointIdx = -1;
      renderZones();
    }
    redraw();
  });
  cv.addEventListener('mousemove', (e) => {
    if (!editor.dragging) return;
    const z = selected();
    if (z && editor.pointIdx >= 0) z.polygon[editor.pointIdx] = eventPoint(cv, e);
    redraw();
  });
  window.addEventListener('mouseup', () => (editor.dragging = false));
  cv.addEventListener('dblclick', (e) => {
    const z = selected();
    const hit = hitPoint(cv, z, eventPoint(cv, e));
    if (!z || hit < 0) return;
    z.polygon.splice(hit, 1);
    editor.pointIdx = -1;
    renderZones();
    redraw();
  });
  cv.addEventListener('keydown', (e) => {
    const z = selected();
    if (!z) return;
    if ((e.key === 'Delete' || e.key === 'Backspace') && editor.pointIdx >= 0) {
      z.polygon.splice(editor.pointIdx, 1);
      editor.pointIdx = -1;
    } else if (e.key === 'Enter' || e.key === 'Escape') editor.drawing = false;
    else return;
    e.preventDefault();
    renderZones();
    redraw();
  });
}
