// @ts-check
/**
 * The history page (issue #25): filters → GET /api/incidents (served from the record), paged; an
 * overdue corrective action is highlighted; the same filters give the CSV link. ES module, no
 * inline script or style (the dashboard's CSP).
 */

/**
 * @typedef {{ incidentId: string, cameraId: string, hazardType: string, peakSeverity: string, state: string,
 *   summary: string, openedAt: string, acknowledgedBy?: string, ackNote?: string | null,
 *   openActions: number, overdueActions: number, legalHold: boolean }} HistoryRow
 * @typedef {{ incidents: HistoryRow[], total: number, totalCapped?: boolean, nextOffset?: number }} HistoryPage
 */

const PAGE = 50;
let offset = 0;

/** @param {string} id @returns {HTMLElement} */
function el(id) {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} missing`);
  return e;
}

/** The form's non-empty fields as query parameters (a date `to` includes that whole day: the API says so). */
function query() {
  const form = /** @type {HTMLFormElement} */ (el('filters'));
  const params = new URLSearchParams();
  for (const [k, v] of new FormData(form).entries())
    if (typeof v === 'string' && v.trim() !== '') params.set(k, v.trim());
  return params;
}

/**
 * @param {string} tag
 * @param {string} text
 * @param {string} [cls]
 */
function cell(tag, text, cls) {
  const c = document.createElement(tag);
  c.textContent = text; // never innerHTML: summaries are the model's words
  if (cls) c.className = cls;
  return c;
}

/** @param {HistoryRow} i */
function row(i) {
  const tr = document.createElement('tr');
  tr.dataset.incidentId = i.incidentId;
  if (i.overdueActions > 0) tr.className = 'overdue';
  const actions =
    i.overdueActions > 0 ? `${i.openActions} open · ${i.overdueActions} 기한 초과 overdue` : `${i.openActions} open`;
  tr.append(
    cell('td', new Date(i.openedAt).toLocaleString()),
    cell('td', i.cameraId),
    cell('td', i.hazardType),
    cell('td', i.peakSeverity, `sev-${i.peakSeverity}`),
    cell('td', i.legalHold ? `${i.state} · 보존 hold` : i.state),
    cell('td', i.summary, 'summary-cell'),
    cell('td', i.acknowledgedBy ? `${i.acknowledgedBy}${i.ackNote ? `: ${i.ackNote}` : ''}` : '—'),
    cell('td', actions),
  );
  const link = document.createElement('a');
  link.href = `/api/incidents/${encodeURIComponent(i.incidentId)}/bundle.zip`;
  link.textContent = '증거 bundle';
  const td = document.createElement('td');
  td.append(link);
  tr.append(td);
  return tr;
}

async function load() {
  const params = query();
  el('csv-link').setAttribute('href', `/api/incidents.csv?${params}`);
  params.set('offset', String(offset));
  params.set('limit', String(PAGE));
  const res = await fetch(`/api/incidents?${params}`);
  const body = /** @type {HistoryPage & { error?: string }} */ (await res.json());
  const summary = el('summary');
  if (!res.ok) {
    summary.textContent = body.error ?? `error ${res.status}`;
    return;
  }
  el('rows').replaceChildren(...body.incidents.map(row));
  const shown = `${offset + 1}–${offset + body.incidents.length}`;
  summary.textContent = body.total === 0 ? '없음 · none' : `${shown} / ${body.total}${body.totalCapped ? '+' : ''}`;
  /** @type {HTMLButtonElement} */ (el('prev')).disabled = offset === 0;
  /** @type {HTMLButtonElement} */ (el('next')).disabled = body.nextOffset === undefined;
}

el('filters').addEventListener('submit', (e) => {
  e.preventDefault();
  offset = 0;
  void load();
});
el('prev').addEventListener('click', () => {
  offset = Math.max(0, offset - PAGE);
  void load();
});
el('next').addEventListener('click', () => {
  offset += PAGE;
  void load();
});
void load();
