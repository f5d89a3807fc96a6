// Cameras page and zone editor. Plain browser JavaScript, no framework, no external network,
// no inline script (CSP). The server prepends `KIND_RGB` and `FILL_ALPHA` (static-assets.ts),
// the same colours the model's overlay uses. Untrusted text only ever goes through textContent.

const KIND_KO = {
  restricted: '출입 금지',
  walkway: '보행자 통로',
  forklift_lane: '지게차 통로',
  ppe_required: '보호구 착용',
};
const $ = (id) => document.getElementById(id);
const state = {
  cameras: [],
  editing: null,
  zones: [],
  zoneIdx: -1,
  pointIdx: -1,
  drawing: false,
  dragging: false,
  frame: null,
};

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat())
    if (c !== undefined && c !== null && c !== false)
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function say(text, error = false) {
  const m = $('msg');
  m.textContent = text;
  m.classList.toggle('error', error);
}

// ---------- API ----------
// The session cookie (set by /login) carries the identity; writes need the admin role.
async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${res.status}: ${(data && data.error) || res.statusText}`);
  return data;
}
const camPath = (id) => `/api/cameras/${encodeURIComponent(id)}`;

async function load() {
  state.cameras = (await api('GET', '/api/cameras')).cameras;
  renderList();
}

// ---------- list ----------
function renderList() {
  $('cam-count').textContent = `${state.cameras.length}`;
  $('cam-rows').replaceChildren(
    ...state.cameras.map((c) =>
      h(
        'tr',
        {
          class: [c.enabled ? '' : 'disabled', state.editing === c.id ? 'selected' : ''].join(' ').trim(),
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
            h('button', { type: 'button', class: 'edit', onclick: () => openEditor(c.id) }, '편집 · edit'),
            h(
              'button',
              {
                type: 'button',
                class: 'toggle',
                onclick: () =>
                  save(c.id, { enabled: !c.enabled }, c.enabled ? '중지됨 · disabled' : '사용함 · enabled'),
              },
              c.enabled ? '중지 · disable' : '사용 · enable',
            ),
            h('button', { type: 'button', class: 'remove danger', onclick: () => remove(c.id) }, '삭제 · delete'),
          ),
        ),
      ),
    ),
  );
}

async function save(id, patch, done) {
  try {
    await api('PATCH', camPath(id), patch);
    say(`${id}: ${done}`);
    await load();
    return true;
  } catch (err) {
    say(`${id}: ${err.message}`, true);
    return false;
  }
}

async function remove(id) {
  if (!window.confirm(`${id} 삭제? · delete ${id}?`)) return;
  try {
    await api('DELETE', camPath(id));
    say(`${id}: 삭제됨 · deleted`);
    if (state.editing === id) closeEditor();
    await load();
  } catch (err) {
    say(`${id}: ${err.message}`, true);
  }
}

$('add-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const id = String(f.get('id')).trim();
  const body = {
    url: String(f.get('url')).trim(),
    ...(String(f.get('site') || '').trim() ? { site: String(f.get('site')).trim() } : {}),
  };
  try {
    await api('PUT', camPath(id), body);
    say(`${id}: 추가됨 · added`);
    e.target.reset();
    await load();
  } catch (err) {
    say(`${id}: ${err.message}`, true);
  }
});

// ---------- editor ----------
const canvas = $('zone-canvas');
const ctx = canvas.getContext('2d');

function openEditor(id) {
  const c = state.cameras.find((x) => x.id === id);
  if (!c) return;
  state.editing = id;
  state.zones = c.zones.map((z) => ({ name: z.name, kind: z.kind, polygon: z.polygon.map((p) => [p[0], p[1]]) }));
  state.zoneIdx = -1;
  state.pointIdx = -1;
  state.drawing = false;
  $('ed-camera').textContent = id;
  $('ed-url').value = c.url;
  $('ed-site').value = c.site;
  $('ed-area').value = c.area;
  $('ed-ppe').value = c.requiredPpe.join(', ');
  $('ed-context').value = c.context;
  $('ed-enabled').checked = c.enabled;
  $('editor').hidden = false;
  state.frame = null;
  const img = new Image();
  // the camera's latest frame (the thumbnail of its newest clip); a camera with no clip yet gets a blank canvas
  img.onload = () => {
    state.frame = img;
    canvas.width = 640;
    canvas.height = Math.round((640 * img.naturalHeight) / img.naturalWidth) || 360;
    canvas.dataset.frame = 'loaded';
    draw();
  };
  img.onerror = () => {
    canvas.dataset.frame = 'none';
    draw();
  };
  delete canvas.dataset.frame;
  img.src = `/thumbs/${encodeURIComponent(id)}.jpg?t=${Date.now()}`;
  renderZones();
  renderList();
  draw();
}

function closeEditor() {
  state.editing = null;
  $('editor').hidden = true;
  renderList();
}
$('ed-close').addEventListener('click', closeEditor);

function renderZones() {
  $('zone-list').replaceChildren(
    ...state.zones.map((z, i) =>
      h(
        'li',
        {
          class: i === state.zoneIdx ? 'selected' : '',
          dataset: { zone: z.name, index: String(i) },
          onclick: () => selectZone(i),
        },
        h('span', { class: `zone-swatch ${z.kind}` }),
        h('span', {}, z.name),
        h('span', { class: 'en' }, `${KIND_KO[z.kind]} · ${z.polygon.length} pts`),
      ),
    ),
  );
  const z = state.zones[state.zoneIdx];
  $('zone-form').hidden = !z;
  if (z) {
    $('zone-name').value = z.name;
    $('zone-kind').value = z.kind;
  }
}

function selectZone(i) {
  state.zoneIdx = i;
  state.pointIdx = -1;
  state.drawing = false;
  renderZones();
  draw();
}

$('zone-new').addEventListener('click', () => {
  let n = state.zones.length + 1;
  while (state.zones.some((z) => z.name === `zone ${n}`)) n++;
  state.zones.push({ name: `zone ${n}`, kind: 'restricted', polygon: [] });
  state.zoneIdx = state.zones.length - 1;
  state.drawing = true;
  renderZones();
  draw();
  canvas.focus();
});
$('zone-name').addEventListener('input', (e) => {
  const z = state.zones[state.zoneIdx];
  if (z) z.name = e.target.value;
  renderZones();
  draw();
});
$('zone-kind').addEventListener('change', (e) => {
  const z = state.zones[state.zoneIdx];
  if (z) z.kind = e.target.value;
  renderZones();
  draw();
});
$('zone-delete').addEventListener('click', () => {
  if (state.zoneIdx < 0) return;
  state.zones.splice(state.zoneIdx, 1);
  selectZone(-1);
});

$('ed-save').addEventListener('click', async () => {
  const bad = state.zones.find((z) => z.polygon.length < 3);
  if (bad) return say(`"${bad.name}": 점이 3개 이상 필요 · needs at least 3 points`, true);
  const patch = {
    url: $('ed-url').value.trim(),
    site: $('ed-site').value.trim() || 'industrial plant floor',
    area: $('ed-area').value.trim(),
    requiredPpe: $('ed-ppe')
      .value.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    context: $('ed-context').value,
    enabled: $('ed-enabled').checked,
    zones: state.zones.map((z) => ({
      name: z.name.trim(),
      kind: z.kind,
      polygon: z.polygon.map(([x, y]) => [round(x), round(y)]),
    })),
  };
  const ok = await save(state.editing, patch, '저장됨 · saved');
  if (ok) {
    state.drawing = false;
    document.body.dataset.saved = String(Date.now());
  }
});
const round = (v) => Math.min(1, Math.max(0, Math.round(v * 10000) / 10000));

// ---------- canvas ----------
const toCanvas = ([x, y]) => [x * canvas.width, y * canvas.height];
function eventPoint(e) {
  const r = canvas.getBoundingClientRect();
  return [
    Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)),
    Math.min(1, Math.max(0, (e.clientY - r.top) / r.height)),
  ];
}
/** The vertex of the selected zone under the pointer (within 8 css px), or -1. */
function hitPoint(p) {
  const z = state.zones[state.zoneIdx];
  if (!z) return -1;
  const r = canvas.getBoundingClientRect();
  return z.polygon.findIndex(([x, y]) => Math.hypot((x - p[0]) * r.width, (y - p[1]) * r.height) <= 8);
}

canvas.addEventListener('mousedown', (e) => {
  const p = eventPoint(e);
  const z = state.zones[state.zoneIdx];
  if (!z) return;
  const hit = hitPoint(p);
  if (hit >= 0) {
    state.pointIdx = hit;
    state.dragging = true;
  } else if (state.drawing || z.polygon.length < 3) {
    z.polygon.push(p);
    state.pointIdx = z.polygon.length - 1;
    renderZones();
  } else {
    // insert on the nearest edge: reshaping a finished polygon without redrawing it
    z.polygon.splice(nearestEdge(z.polygon, p) + 1, 0, p);
    state.pointIdx = -1;
    renderZones();
  }
  draw();
});
canvas.addEventListener('mousemove', (e) => {
  if (!state.dragging) return;
  const z = state.zones[state.zoneIdx];
  if (z && state.pointIdx >= 0) z.polygon[state.pointIdx] = eventPoint(e);
  draw();
});
window.addEventListener('mouseup', () => (state.dragging = false));
canvas.addEventListener('dblclick', (e) => {
  const hit = hitPoint(eventPoint(e));
  const z = state.zones[state.zoneIdx];
  if (!z || hit < 0) return;
  z.polygon.splice(hit, 1);
  state.pointIdx = -1;
  renderZones();
  draw();
});
canvas.addEventListener('keydown', (e) => {
  const z = state.zones[state.zoneIdx];
  if (!z) return;
  if ((e.key === 'Delete' || e.key === 'Backspace') && state.pointIdx >= 0) {
    z.polygon.splice(state.pointIdx, 1);
    state.pointIdx = -1;
  } else if (e.key === 'Enter' || e.key === 'Escape') {
    state.drawing = false;
  } else return;
  e.preventDefault();
  renderZones();
  draw();
});

function nearestEdge(poly, [px, py]) {
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < poly.length; i++) {
    const [ax, ay] = poly[i];
    const [bx, by] = poly[(i + 1) % poly.length];
    const t = Math.max(
      0,
      Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2 || 1)),
    );
    const d = Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
    if (d < bestD) [best, bestD] = [i, d];
  }
  return best;
}

function draw() {
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (state.frame) ctx.drawImage(state.frame, 0, 0, canvas.width, canvas.height);
  else {
    ctx.fillStyle = '#2a2f36';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#8a99a8';
    ctx.font = '14px sans-serif';
    ctx.fillText('아직 영상 없음 · no frame yet', 16, 28);
  }
  state.zones.forEach((z, i) => {
    const [r, g, b] = KIND_RGB[z.kind];
    const pts = z.polygon.map(toCanvas);
    if (pts.length === 0) return;
    ctx.beginPath();
    pts.forEach(([x, y], k) => (k ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    if (pts.length >= 3) ctx.closePath();
    ctx.fillStyle = `rgba(${r},${g},${b},${FILL_ALPHA / 255})`;
    if (pts.length >= 3) ctx.fill();
    ctx.strokeStyle = `rgb(${r},${g},${b})`;
    ctx.lineWidth = i === state.zoneIdx ? 3 : 2;
    ctx.stroke();
    const top = [...pts].sort((a, c) => a[1] - c[1])[0];
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.font = 'bold 12px sans-serif';
    ctx.fillText(z.name, top[0] + 2, Math.max(12, top[1] - 4));
    if (i === state.zoneIdx) {
      pts.forEach(([x, y], k) => {
        ctx.beginPath();
        ctx.arc(x, y, k === state.pointIdx ? 6 : 4, 0, Math.PI * 2);
        ctx.fillStyle = k === state.pointIdx ? '#fff' : `rgb(${r},${g},${b})`;
        ctx.fill();
        ctx.strokeStyle = '#000';
        ctx.lineWidth = 1;
        ctx.stroke();
      });
    }
  });
}

load()
  .then(() => {
    const wanted = new URLSearchParams(location.search).get('camera');
    if (wanted) openEditor(wanted);
  })
  .catch((err) => say(err.message, true));
