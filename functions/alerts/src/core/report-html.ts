import type { ReportModel } from './report';

const esc = (s: string | number | null | undefined): string =>
  (s === null || s === undefined ? '' : `${s}`).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const mins = (m: number | undefined): string => (m === undefined ? '–' : `${m.toFixed(1)} min`);

/** Heat class 0–5 of a cell (classes, not inline styles: the dashboard's CSP has no 'unsafe-inline'). */
const heat = (n: number, max: number): number => (n === 0 || max === 0 ? 0 : Math.max(1, Math.ceil((n / max) * 5)));

export interface RenderOptions {
  /** `<link>` to the stylesheet (served pages) or the CSS itself inlined (the PDF, rendered offline). */
  readonly css: { href: string } | { inline: string };
  /** The thumbnail `src` of a clip: a dashboard URL, or a data: URL for the PDF. */
  readonly thumbSrc: (cameraId: string, clip: string) => string | undefined;
}

/** The report as one HTML document (pure). Every value from the record is escaped. */
export function renderReportHtml(r: ReportModel, opts: RenderOptions): string {
  const w = r.window;
  const head =
    'href' in opts.css ? `<link rel="stylesheet" href="${esc(opts.css.href)}">` : `<style>${opts.css.inline}</style>`;
  const cams = r.cameras;
  const matrix = `<table class="matrix"><thead><tr><th>위험 · hazard</th>${cams.map((c) => `<th>${esc(c)}</th>`).join('')}<th>계 · total</th></tr></thead><tbody>${r.hazards
    .map((h) => {
      const row = r.byHazardCamera[h] ?? {};
      const total = Object.values(row).reduce((a, b) => a + b, 0);
      return `<tr><th>${esc(h)}</th>${cams.map((c) => `<td>${row[c] ?? 0}</td>`).join('')}<td>${total}</td></tr>`;
    })
    .join('')}</tbody></table>`;
  const max = Math.max(0, ...Object.values(r.heatmap).flat());
  const hours = Array.from({ length: 24 }, (_, h) => h);
  const heatmap = `<table class="heatmap"><thead><tr><th></th>${hours.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${cams
    .map(
      (c) =>
        `<tr><th>${esc(c)}</th>${hours
          .map((h) => {
            const n = r.heatmap[c]?.[h] ?? 0;
            return `<td class="heat-${heat(n, max)}">${n || ''}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('')}</tbody></table>`;
  const actions = r.openActions.length
    ? `<table class="actions"><thead><tr><th>#</th><th>조치 · action</th><th>담당 · owner</th><th>기한 · due</th><th>상태 · status</th></tr></thead><tbody>${r.openActions
        .map(
          (a) =>
            `<tr class="${a.overdue ? 'overdue' : ''}"><td>${esc(a.actionId)}</td><td>${esc(a.text)}</td><td>${esc(a.owner)}</td><td>${esc(a.dueAt.slice(0, 16))}</td><td>${esc(a.status)}${a.overdue ? ' · 기한 초과 overdue' : ''}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p>없음 · none</p>';
  const online = `<table class="online"><tbody>${cams
    .map((c) => `<tr><th>${esc(c)}</th><td>${((r.online[c] ?? 1) * 100).toFixed(1)} %</td></tr>`)
    .join('')}</tbody></table>`;
  const top = r.top
    .map((i) => {
      const src = i.thumbClip ? opts.thumbSrc(i.cameraId, i.thumbClip) : undefined;
      return `<figure class="top">${src ? `<img src="${esc(src)}" alt="${esc(i.cameraId)}">` : ''}<figcaption><b>${esc(i.severity)}</b> ${esc(i.cameraId)} · ${esc(i.hazardType)} · ${esc(i.openedAt.slice(0, 16))}<br>${esc(i.summary)}</figcaption></figure>`;
    })
    .join('');
  return `<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>${esc(w.title)}</title>${head}</head>
<body class="report"><main>
<h1>${esc(w.title)}</h1>
<p class="window">${esc(w.from)} – ${esc(w.to)} (UTC) · 사고 ${r.incidents} incidents</p>
<section><h2>위험 × 카메라 · incidents by hazard × camera</h2>${matrix}</section>
<section><h2>시간대 × 카메라 · hour × camera</h2>${heatmap}</section>
<section><h2>확인·종료까지 · time to acknowledge / close</h2>
<table class="times"><tbody><tr><th>확인 · acknowledge</th><td>p50 ${mins(r.ackMinutes.p50)}</td><td>p90 ${mins(r.ackMinutes.p90)}</td><td>n=${r.ackMinutes.n}</td></tr>
<tr><th>종료 · close</th><td>p50 ${mins(r.closeMinutes.p50)}</td><td>p90 ${mins(r.closeMinutes.p90)}</td><td>n=${r.closeMinutes.n}</td></tr></tbody></table></section>
<section><h2>미결 시정조치 · open corrective actions</h2>${actions}</section>
<section><h2>카메라 가동률 · camera online time</h2>${online}</section>
<section><h2>주요 사고 · top incidents</h2>${top || '<p>없음 · none</p>'}</section>
</main></body></html>`;
}
