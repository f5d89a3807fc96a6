// Safety-Hanta dashboard client. Plain browser JavaScript, no framework, no external network.
// The server prepends `formatDuration`, `STATUS_LABEL_KO` and `HAZARD_TYPES` (see static-assets.ts).
// Untrusted text (summaries, ids) only ever goes through textContent, never innerHTML.

const HAZARD_KO = {
  no_hard_hat: '안전모 미착용',
  no_safety_vest: '안전조끼 미착용',
  restricted_zone_intrusion: '위험구역 침입',
  person_fall: '작업자 쓰러짐',
  fire: '화재',
  smoke: '연기',
  forklift_pedestrian_proximity: '지게차·보행자 근접',
  unsafe_posture: '불안전한 자세',
  blocked_exit: '비상구 막힘',
  spill: '누출·유출',
  other: '기타',
  camera_offline: '카메라 오프라인',
};
const SEVERITY_LABEL = { danger: '위험', warning: '경고' };
const SEVERITY_EN = { danger: 'DANGER', warning: 'WARNING' };
const STATUS_EN = { safe: 'safe', warning: 'warning', danger: 'danger', uncertain: 'uncertain' };

const app = {
  cameras: [],
  incidents: new Map(),
  verdicts: [],
  counters: null,
  filter: 'all',
  selected: null,
  sound: false,
  alarms: 0,
  skew: 0, // server clock − browser clock (ms), so durations tick from the server's notion of now
};

const $ = (id) => document.getElementById(id);

/** Tiny element builder: h('div', {class: 'x', dataset: {a: 1}}, 'text', child). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style')
      el.style.cssText = v; // CSSOM, which the CSP allows (a style attribute it would block)
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat())
    if (c !== undefined && c !== null && c !== false)
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const now = () => Date.now() + app.skew;
const timeOf = (iso) => (iso ? new Date(iso).toLocaleTimeString('en-GB', { hour12: false }) : '–');
const dateTimeOf = (iso) => (iso ? new Date(iso).toLocaleString('sv-SE', { hour12: false }) : '–');
const ago = (iso) => (iso ? `${formatDuration(now() - Date.parse(iso))} 전` : '–');
const hazardKo = (t) => HAZARD_KO[t] || t;
const clipUrl = (p) => `/clips/${p.split('/').map(encodeURIComponent).join('/')}`;
const thumbUrl = (cameraId, clip) => `/thumbs/${encodeURIComponent(cameraId)}.jpg?clip=${encodeURIComponent(clip)}`;
const durationOf = (inc) =>
  (inc.state === 'resolved' && inc.resolvedAt ? Date.parse(inc.resolvedAt) : now()) - Date.parse(inc.openedAt);

function statusChip(status) {
  return h(
    'span',
    { class: `chip ${status}` },
    STATUS_LABEL_KO[status] || status,
    ' ',
    h('span', { class: 'en' }, STATUS_EN[status] || ''),
  );
}
function severityChip(sev) {
  return h('span', { class: `chip ${sev}` }, SEVERITY_LABEL[sev], ' ', SEVERITY_EN[sev]);
}

// ---------- counters ----------
function renderCounters() {
  const c = app.counters;
  if (!c) return;
  $('c-open').textContent = c.openIncidents;
  $('c-unacked').textContent = c.unacknowledged
    ? `미확인 ${c.unacknowledged} · unacked`
    : '모두 확인됨 · all acknowledged';
  const open = [...app.incidents.values()].filter((i) => i.state === 'open');
  const hot = open.some((i) => i.severity === 'danger') ? 'danger' : open.length ? 'warning' : '';
  document.querySelector('[data-counter="open"]').dataset.hot = hot;
  $('c-queue').textContent = c.queueDepth;
  $('c-rate').textContent = c.verdictsPerMin;
  $('c-keda').textContent = c.localReplicas ? `${c.localReplicas.running}/${c.localReplicas.desired}` : c.kedaReplicas;
  const kedaRule = `${c.keda.listLength} queued${c.keda.inFlightLength ? ` · ${c.keda.inFlightLength} in flight` : ''} /replica · min ${c.keda.minReplicas} · max ${c.keda.maxReplicas}`;
  // npm start runs its own KEDA + HPA equivalent: show running/desired and why it last changed
  $('c-keda-sub').textContent = c.localReplicas
    ? `running/desired · ${c.localReplicas.reason}`
    : `${kedaRule} · by ${c.kedaBy}`;
  $('c-keda-sub').title = `${kedaRule} · in flight ${c.inFlight}`;
  $('c-cams').textContent = `${c.camerasOnline}/${c.camerasTotal}`;
  const offline = app.cameras.filter((x) => x.status === 'offline').length;
  $('c-cams-sub').textContent = offline ? `오프라인 ${offline} · offline` : 'all reporting';
  const total = Object.values(c.verdictsByStatus).reduce((a, b) => a + b, 0) || 1;
  const colors = {
    danger: 'var(--danger)',
    warning: 'var(--warning)',
    safe: 'var(--safe)',
    uncertain: 'var(--uncertain)',
  };
  $('c-verdicts').replaceChildren(
    ...['danger', 'warning', 'safe', 'uncertain'].map((s) =>
      h(
        'div',
        { class: 'sbar', dataset: { status: s } },
        h(
          'div',
          { class: 'sb-top' },
          h('span', {}, `${STATUS_LABEL_KO[s]} `, h('span', { class: 'en' }, s)),
          h('span', { class: 'sb-num' }, c.verdictsByStatus[s]),
        ),
        h(
          'div',
          { class: 'sb-track' },
          h('div', {
            class: 'sb-fill',
            style: `width:${(100 * c.verdictsByStatus[s]) / total}%;background:${colors[s]}`,
          }),
        ),
      ),
    ),
  );
}

// ---------- cameras ----------
const camEls = new Map();
function renderCameras() {
  const grid = $('cameras');
  const seen = new Set();
  for (const cam of app.cameras) {
    seen.add(cam.cameraId);
    let el = camEls.get(cam.cameraId);
    if (!el) {
      el = h(
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
      camEls.set(cam.cameraId, el);
    }
    grid.append(el); // keeps server order (natural sort)
    el.dataset.status = cam.status;
    el.dataset.severity = cam.severity || '';
    el.querySelector('.sdot').className = `sdot ${cam.status}`;
    el.querySelector('.cam-id').textContent = cam.cameraId;
    const thumb = el.querySelector('.cam-thumb');
    if (cam.thumbClip && el.dataset.clip !== cam.thumbClip) {
      el.dataset.clip = cam.thumbClip;
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
    updateCamMeta(el, cam);
  }
  for (const [id, el] of camEls)
    if (!seen.has(id)) {
      el.remove();
      camEls.delete(id);
    }
  $('cam-meta').textContent =
    `${app.cameras.filter((c) => c.status === 'online').length} online / ${app.cameras.length}`;
}
function updateCamMeta(el, cam) {
  const meta = el.querySelector('.cam-meta');
  meta.replaceChildren(
    cam.lastVerdict
      ? statusChip(cam.lastVerdict.status)
      : h('span', { class: 'chip muted' }, cam.status === 'unknown' ? '대기 · waiting' : '판정 없음'),
    h(
      'div',
      {},
      cam.lastClipAt ? `clip ${ago(cam.lastClipAt)}` : cam.status === 'offline' ? cam.reason || 'offline' : '',
    ),
  );
}

// ---------- verdicts ----------
function renderVerdicts() {
  $('verdicts').replaceChildren(
    ...app.verdicts.slice(0, 30).map((v) =>
      h(
        'li',
        { dataset: { jobId: v.jobId }, title: '클릭: 피드백 · click: feedback' },
        h('span', { class: 't' }, timeOf(v.analyzedAt)),
        h('span', {}, v.cameraId),
        statusChip(v.status),
        // the unchanged-scene gate (issue #13): stored safe without a model request, never silently
        v.skipped
          ? h(
              'span',
              { class: 's skipped', title: `${v.summary} (repeats ${v.repeats})` },
              h('span', { class: 'skip-tag' }, '변화 없음 · unchanged'),
              ` → ${v.repeats}`,
            )
          : h('span', { class: 's', title: v.summary }, v.summary),
      ),
    ),
  );
}

// ---------- incidents ----------
function visible(inc) {
  if (app.filter === 'open') return inc.state === 'open';
  if (app.filter === 'unacked') return inc.state === 'open' && !inc.acknowledgedAt;
  return true;
}
function incidentCard(inc) {
  const acked = Boolean(inc.acknowledgedAt);
  const ackBtn =
    inc.state === 'open' && !acked
      ? h(
          'button',
          {
            type: 'button',
            class: 'ack-btn',
            'data-action': 'ack',
            title: '확인 처리 · acknowledge',
            onclick: (e) => {
              e.stopPropagation();
              acknowledgeIncident(inc.incidentId);
            },
          },
          '확인 ',
          h('span', { class: 'en' }, 'Ack'),
        )
      : null;
  return h(
    'li',
    {
      class: 'inc',
      tabindex: 0,
      role: 'button',
      dataset: { incidentId: inc.incidentId, severity: inc.severity, state: inc.state, acked: String(acked) },
      onclick: () => openPlayer(inc.incidentId),
      onkeydown: (e) => {
        if (e.key === 'Enter') openPlayer(inc.incidentId);
      },
    },
    h('div', {
      class: 'inc-thumb',
      style: inc.thumbClip ? `background-image:url("${thumbUrl(inc.cameraId, inc.thumbClip)}")` : '',
    }),
    h(
      'div',
      { class: 'inc-main' },
      h(
        'div',
        { class: 'inc-top' },
        severityChip(inc.severity),
        h('span', { class: 'inc-type' }, hazardKo(inc.hazardType)),
        h('span', { class: 'inc-code' }, inc.hazardType),
      ),
      h('p', { class: 'inc-summary', title: inc.summary }, inc.summary),
      h(
        'div',
        { class: 'inc-foot' },
        h('span', { class: 'cam-ref' }, inc.cameraId),
        zoneFor(inc) ? h('span', { class: 'inc-zone', title: '구역 · zone' }, `◩ ${zoneFor(inc)}`) : null,
        h('span', { title: dateTimeOf(inc.openedAt) }, timeOf(inc.openedAt)),
        h('span', { class: 'dur', 'data-role': 'duration' }, formatDuration(durationOf(inc))),
        h(
          'span',
          { class: 'inc-state' },
          inc.state === 'resolved' ? h('span', { class: 'chip muted' }, '해제 · resolved') : null,
          acked ? h('span', { class: 'acked', title: dateTimeOf(inc.acknowledgedAt) }, '✓ 확인됨 · acked') : null,
          ackBtn,
        ),
      ),
    ),
  );
}
function renderFeed() {
  const list = [...app.incidents.values()]
    .sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt))
    .filter(visible);
  const feed = $('feed');
  const flashing = new Set([...feed.querySelectorAll('.inc.flash')].map((n) => n.dataset.incidentId));
  feed.replaceChildren(
    ...list.map((inc) => {
      const card = incidentCard(inc);
      if (flashing.has(inc.incidentId) && !inc.acknowledgedAt) card.classList.add('flash');
      return card;
    }),
  );
  $('feed-empty').hidden = list.length > 0;
}
function tickDurations() {
  for (const el of document.querySelectorAll('.inc[data-state="open"] [data-role="duration"]')) {
    const inc = app.incidents.get(el.closest('.inc').dataset.incidentId);
    if (inc) el.textContent = formatDuration(durationOf(inc));
  }
  for (const cam of app.cameras) {
    const el = camEls.get(cam.cameraId);
    if (el) updateCamMeta(el, cam);
  }
  $('clock').textContent = new Date(now()).toLocaleTimeString('en-GB', { hour12: false });
}

async function acknowledgeIncident(id) {
  const res = await fetch(`/api/incidents/${encodeURIComponent(id)}/ack`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (res.status === 401) return void location.assign('/login'); // session expired: the server records who acknowledges
  if (res.ok) upsertIncident(await res.json()); // the SSE echo arrives too; this just makes it instant
}

function upsertIncident(inc) {
  const prev = app.incidents.get(inc.incidentId);
  if (prev && prev.rev > inc.rev) return; // an older copy arriving late
  app.incidents.set(inc.incidentId, inc);
  renderFeed();
  renderCounters();
  if (app.selected === inc.incidentId) {
    fillPlayer(inc, false);
    loadHistory(inc.incidentId);
  }
}

// ---------- alarm ----------
let audio;
function beep(severity) {
  if (!app.sound) return;
  try {
    audio = audio || new AudioContext();
    const tones = severity === 'danger' ? [880, 660, 880] : [660];
    tones.forEach((f, i) => {
      const o = audio.createOscillator();
      const g = audio.createGain();
      o.frequency.value = f;
      g.gain.setValueAtTime(0.0001, audio.currentTime + i * 0.22);
      g.gain.exponentialRampToValueAtTime(0.25, audio.currentTime + i * 0.22 + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + i * 0.22 + 0.2);
      o.connect(g).connect(audio.destination);
      o.start(audio.currentTime + i * 0.22);
      o.stop(audio.currentTime + i * 0.22 + 0.21);
    });
  } catch {
    /* no audio device: the visual alarm is enough */
  }
}
function alarm(inc) {
  app.alarms += 1;
  document.body.dataset.alarms = String(app.alarms); // observable count (operators' screen recorders, tests)
  const card = document.querySelector(`.inc[data-incident-id="${CSS.escape(inc.incidentId)}"]`);
  if (card) {
    card.classList.remove('flash');
    void card.offsetWidth;
    card.classList.add('flash');
    setTimeout(() => card.classList.remove('flash'), 2200);
  }
  beep(inc.severity);
  document.title = `(${SEVERITY_LABEL[inc.severity]}) ${inc.cameraId} · Safety-Hanta`;
}

// ---------- player ----------
const KIND_KO = { raised: '발생', updated: '갱신', resolved: '해제' };
function openPlayer(id) {
  const inc = app.incidents.get(id);
  if (!inc) return;
  app.selected = id;
  $('player-ack').hidden = false;
  fillPlayer(inc, true);
  $('player').hidden = false;
  loadHistory(id);
}
/** The incident's timeline (every alert event received); each entry plays its own clip. */
async function loadHistory(id) {
  const wrap = $('player-history-wrap');
  wrap.hidden = true;
  const res = await fetch(`/api/incidents/${encodeURIComponent(id)}`).catch(() => undefined);
  if (!res || !res.ok || app.selected !== id) return;
  const full = await res.json();
  const rows = [...full.history].reverse().map((e) =>
    h(
      'li',
      {
        title: e.summary,
        class: e.clipPath === full.clipPath ? 'current' : '',
        onclick: (ev) => {
          if (!e.clipPath) return;
          $('player-video').setAttribute('src', clipUrl(e.clipPath));
          $('player-video')
            .play()
            .catch(() => {});
          $('player-history')
            .querySelectorAll('li')
            .forEach((li) => li.classList.toggle('current', li === ev.currentTarget));
        },
      },
      h('span', { class: 't' }, timeOf(e.analyzedAt)),
      h('span', {}, `${KIND_KO[e.kind] || e.kind} `, h('span', { class: 'en' }, e.kind)),
      statusChip(e.status),
      h('span', { class: 's' }, e.summary),
    ),
  );
  $('player-history').replaceChildren(...rows);
  wrap.hidden = rows.length === 0;
}
/** Camera tile click: play the camera's newest clip (no incident, nothing to acknowledge). */
function openCamera(cameraId) {
  const cam = app.cameras.find((c) => c.cameraId === cameraId);
  if (!cam || !cam.latestClip) return;
  app.selected = null;
  const card = document.querySelector('.player-card');
  card.dataset.severity = cam.severity || '';
  card.dataset.incidentId = '';
  $('player-kicker').replaceChildren(
    ...[
      cam.lastVerdict ? statusChip(cam.lastVerdict.status) : null,
      h(
        'span',
        { class: 'chip muted' },
        cam.status === 'online'
          ? '온라인 · online'
          : cam.status === 'offline'
            ? '오프라인 · offline'
            : '대기 · waiting',
      ),
    ].filter(Boolean),
  );
  $('player-title').textContent = `${cam.cameraId} — 최신 클립 · latest clip`;
  $('player-summary').textContent = cam.lastVerdict ? cam.lastVerdict.summary : '';
  $('player-facts').replaceChildren(
    ...[
      ['카메라 · camera', cam.cameraId],
      ['클립 · clip', cam.latestClip],
      ['마지막 클립 · last clip', timeOf(cam.lastClipAt)],
      ['진행 중 사건 · open', cam.openIncidents],
    ].map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', { title: String(v) }, v))),
  );
  $('player-hazards').replaceChildren();
  $('player-history-wrap').hidden = true;
  $('player-ack').hidden = true;
  const src = clipUrl(cam.latestClip);
  $('player-video').hidden = false;
  $('player-download').hidden = false;
  $('player-download').href = src;
  $('player-video').setAttribute('src', src);
  $('player-video')
    .play()
    .catch(() => {});
  $('player').hidden = false;
}
function fillPlayer(inc, load) {
  const card = document.querySelector('.player-card');
  card.dataset.severity = inc.severity;
  card.dataset.incidentId = inc.incidentId;
  $('player-kicker').replaceChildren(
    ...[
      severityChip(inc.severity),
      inc.status !== inc.severity ? statusChip(inc.status) : null,
      inc.state === 'resolved'
        ? h('span', { class: 'chip muted' }, '해제 · resolved')
        : h('span', { class: 'chip muted' }, '진행 중 · open'),
    ].filter(Boolean),
  );
  $('player-title').textContent = `${hazardKo(inc.hazardType)} — ${inc.cameraId}`;
  $('player-summary').textContent = inc.summary;
  const facts = [
    ['카메라 · camera', inc.cameraId],
    ['발생 · opened', dateTimeOf(inc.openedAt)],
    ['지속 · duration', formatDuration(durationOf(inc))],
    ['클립 수 · clips', inc.clipCount ?? inc.historyCount ?? '–'],
    ['촬영 · captured', timeOf(inc.capturedAt)],
    ['분석 · analyzed', timeOf(inc.analyzedAt)],
    ['모델 · model', inc.model],
    ['확인 · ack', inc.acknowledgedAt ? `${timeOf(inc.acknowledgedAt)} ${inc.acknowledgedBy || ''}` : '미확인 · no'],
  ];
  $('player-facts').replaceChildren(
    ...facts.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', { title: String(v) }, v))),
  );
  $('player-hazards').replaceChildren(
    ...inc.hazards.map((z) =>
      h('li', {}, h('strong', {}, hazardKo(z.type)), ` (${Math.round(z.confidence * 100)}%) — `, z.description),
    ),
  );
  const ack = $('player-ack');
  ack.disabled = Boolean(inc.acknowledgedAt) || inc.state === 'resolved';
  ack.replaceChildren(
    inc.acknowledgedAt ? '✓ 확인됨 ' : '확인 ',
    h('span', { class: 'en' }, inc.acknowledgedAt ? 'Acknowledged' : 'Acknowledge'),
  );
  const video = $('player-video');
  const src = inc.clipPath ? clipUrl(inc.clipPath) : '';
  video.hidden = !src; // e.g. a camera-offline incident has no evidence clip
  $('player-download').hidden = !src;
  $('player-download').href = src;
  if (load && src && video.getAttribute('src') !== src) {
    video.setAttribute('src', src);
    video.play().catch(() => {
      /* autoplay refused: the controls are there */
    });
  }
}
function closePlayer() {
  app.selected = null;
  $('player-history').replaceChildren();
  $('player').hidden = true;
  const video = $('player-video');
  video.pause();
  video.removeAttribute('src');
  video.load();
}

// ---------- live stream ----------
function applyState(s) {
  app.skew = Date.parse(s.serverTime) - Date.now();
  app.cameras = s.cameras;
  app.incidents = new Map(s.incidents.map((i) => [i.incidentId, i]));
  app.verdicts = s.verdicts;
  app.counters = s.counters;
  renderCameras();
  renderFeed();
  renderVerdicts();
  renderCounters();
}
function connect() {
  const conn = $('conn');
  const setConn = (state, label) => {
    conn.dataset.state = state;
    conn.querySelector('.conn-label').textContent = label;
  };
  const es = new EventSource('/api/stream');
  es.addEventListener('open', () => setConn('live', '실시간 · live'));
  es.addEventListener('error', () => {
    setConn(es.readyState === EventSource.CLOSED ? 'down' : 'connecting', '재연결 중 · reconnecting');
    // A non-200 answer (401: session expired; 429: too many streams) closes an EventSource for good:
    // find out which, then log in again or retry later.
    if (es.readyState === EventSource.CLOSED) {
      setTimeout(async () => {
        const probe = await fetch('/api/state', { method: 'HEAD' }).catch(() => undefined);
        if (probe && probe.status === 401) location.assign('/login');
        else connect();
      }, 10000);
    }
  });
  es.addEventListener('state', (e) => applyState(JSON.parse(e.data)));
  es.addEventListener('incident', (e) => {
    const { incident, alert } = JSON.parse(e.data);
    upsertIncident(incident);
    if (alert) alarm(incident);
  });
  es.addEventListener('verdict', (e) => {
    app.verdicts.unshift(JSON.parse(e.data));
    app.verdicts.length = Math.min(app.verdicts.length, 50);
    renderVerdicts();
  });
  es.addEventListener('cameras', (e) => {
    app.cameras = JSON.parse(e.data);
    renderCameras();
    renderCounters();
  });
  es.addEventListener('counters', (e) => {
    app.counters = JSON.parse(e.data);
    renderCounters();
  });
}

// ---------- wiring ----------
document.querySelectorAll('.filters button').forEach((b) =>
  b.addEventListener('click', () => {
    app.filter = b.dataset.filter;
    document.querySelectorAll('.filters button').forEach((x) => x.classList.toggle('active', x === b));
    renderFeed();
  }),
);
$('player-close').addEventListener('click', closePlayer);
$('player').addEventListener('click', (e) => {
  if (e.target === $('player')) closePlayer();
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !$('player').hidden) closePlayer();
});
$('player-ack').addEventListener('click', () => {
  if (app.selected) acknowledgeIncident(app.selected);
});
$('sound').addEventListener('click', () => {
  app.sound = !app.sound;
  $('sound').setAttribute('aria-pressed', String(app.sound));
  $('sound').replaceChildren(
    h('span', { class: `sound-dot${app.sound ? ' on' : ''}` }),
    h('span', {}, app.sound ? '경보음 켜짐 · sound on' : '경보음 꺼짐 · sound off'),
  );
  if (app.sound) beep('warning');
});
window.addEventListener('focus', () => {
  document.title = 'Safety-Hanta · 안전 관제';
});
setInterval(tickDurations, 1000);
tickDurations();
connect();
