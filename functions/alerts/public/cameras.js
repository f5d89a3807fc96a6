// @ts-check
// Cameras page: the camera list (add, enable/disable, delete) and the zone editor (zone-editor.js).
// ES modules, no framework, no external network, no inline script (CSP). Untrusted text only ever
// goes through textContent.
import { api, camPath, messageOf, say } from './camera-api.js';
import { $, h } from './dom.js';
import { closeEditor, editor, openEditor, wireEditor } from './zone-editor.js';

/** @typedef {import('./types.js').CameraEntry} CameraEntry */

/** @type {{ cameras: CameraEntry[] }} */
const page = { cameras: [] };

/** @type {import('./zone-editor.js').EditorHooks} */
const hooks = { save, say, changed: () => renderList() };

async function load() {
  page.cameras = (await api('GET', '/api/cameras')).cameras;
  renderList();
}

/** @param {string} id */
function edit(id) {
  const c = page.cameras.find((x) => x.id === id);
  if (c) openEditor(hooks, c);
}

/** @param {CameraEntry} c */
function row(c) {
  return h(
    'tr',
    {
      class: [c.enabled ? '' : 'disabled', editor.editing === c.id ? 'selected' : ''].join(' ').trim(),
      dataset: { cameraId: c.id, enabled: String(c.enabled) },
    },
    h('td', {}, c.id),
    h('td', { class: 'url', title: c.url }, c.url),
    h('td', {}, c.area ? `${c.site} — ${c.area}` : c.site),
    h('td', { class: 'zones' }, c.zones.map((z) => z.name).join(', ') || '–'),
    h('td', {}, c.enabled ? '사용 · on' : '중지 · off'),
    h(
      'td',
      { class: 'actions' },
      h(
        'div',
        { class: 'actions-wrap' },
        h('button', { type: 'button', class: 'edit', onclick: () => edit(c.id) }, '편집 · edit'),
        h(
          'button',
          {
            type: 'button',
            class: 'toggle',
            onclick: () => save(c.id, { enabled: !c.enabled }, c.enabled ? '중지됨 · disabled' : '사용함 · enabled'),
          },
          c.enabled ? '중지 · disable' : '사용 · enable',
        ),
        h('button', { type: 'button', class: 'remove danger', onclick: () => remove(c.id) }, '삭제 · delete'),
      ),
    ),
  );
}

function renderList() {
  $('cam-count').textContent = `${page.cameras.length}`;
  $('cam-rows').replaceChildren(...page.cameras.map(row));
}

/** @param {string} id @param {object} patch @param {string} done @returns {Promise<boolean>} */
async function save(id, patch, done) {
  try {
    await api('PATCH', camPath(id), patch);
    say(`${id}: ${done}`);
    await load();
    return true;
  } catch (err) {
    say(`${id}: ${messageOf(err)}`, true);
    return false;
  }
}

/** @param {string} id */
async function remove(id) {
  if (!window.confirm(`${id} 삭제? · delete ${id}?`)) return;
  try {
    await api('DELETE', camPath(id));
    say(`${id}: 삭제됨 · deleted`);
    if (editor.editing === id) closeEditor(hooks);
    await load();
  } catch (err) {
    say(`${id}: ${messageOf(err)}`, true);
  }
}

$('add-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = /** @type {HTMLFormElement} */ (e.target);
  const f = new FormData(form);
  const id = String(f.get('id')).trim();
  const site = String(f.get('site') || '').trim();
  const body = { url: String(f.get('url')).trim(), ...(site ? { site } : {}) };
  try {
    await api('PUT', camPath(id), body);
    say(`${id}: 추가됨 · added`);
    form.reset();
    await load();
  } catch (err) {
    say(`${id}: ${messageOf(err)}`, true);
  }
});

wireEditor(hooks);
load()
  .then(() => {
    const wanted = new URLSearchParams(location.search).get('camera');
    if (wanted) edit(wanted);
  })
  .catch((err) => say(messageOf(err), true));
