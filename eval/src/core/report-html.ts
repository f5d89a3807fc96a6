import type { Results } from './results';
import { CONFUSION_HEAD, confusionRows, HAZARD_HEAD, hazardRows, num3 } from './table';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function table(head: string[], rows: string[][], cls: string): string {
  return (
    `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
  );
}

const verdict = (status: string, hazards: readonly string[]) =>
  `${status}${hazards.length ? `: ${hazards.join(', ')}` : ''}`;

/**
 * report.html: one self-contained page (styles inline, thumbnails as data: URIs, no script, no
 * external request), so it can be mailed or attached to a CI run and opened anywhere.
 * `strips` maps a wrong clip to a JPEG strip of its frames (data: URI); a missing one shows a note.
 */
export function renderReport(r: Results, strips: ReadonlyMap<string, string>): string {
  const m = r.metrics;
  const wrong = r.clips.filter((c) => c.wrong);
  const cards = wrong
    .map((c) => {
      const img = strips.get(c.clip);
      return (
        `<figure class="wrong" data-clip="${esc(c.clip)}">` +
        (img ? `<img src="${esc(img)}" alt="frames of ${esc(c.clip)}">` : '<div class="noimg">no thumbnail</div>') +
        `<figcaption><b>${esc(c.clip)}</b> <span class="cam">${esc(c.cameraId)}</span><br>` +
        `expected <span class="exp">${esc(verdict(c.expected.status, c.expected.hazards))}</span><br>` +
        `predicted <span class="pred">${esc(verdict(c.predicted.status, c.predicted.hazards))}</span>` +
        (c.predicted.reason ? `<br><span class="reason">${esc(c.predicted.reason)}</span>` : '') +
        '</figcaption></figure>'
      );
    })
    .join('\n');
  const facts: [string, string][] = [
    ['model', r.run.model],
    ['server', r.run.baseUrl],
    ['prompt prefix sha256', r.run.prefixHash],
    ['few-shot set', `${r.run.fewshot.dir} (${r.run.fewshot.examples.join(', ')})`],
    ['cameras file', r.run.cameras ?? '(labels / built-in default)'],
    [
      'media',
      `${r.run.media.mode}, ${r.run.media.sampling} @ ${r.run.media.fps} fps, long side ${r.run.media.maxSide}`,
    ],
    ['sampling', JSON.stringify(r.run.sampling)],
    ['dataset', `${r.dataset.dir} (${r.dataset.clips} clips)`],
    ['run', `${r.createdAt}, ${(r.durationMs / 1000).toFixed(1)} s, concurrency ${r.run.concurrency}`],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Safety-Hanta evaluation · ${esc(r.dataset.dir)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1c2430;background:#fafbfc}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
table{border-collapse:collapse;background:#fff}th,td{border:1px solid #d8dee6;padding:4px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}thead th{background:#eef2f6}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}dt{color:#5b6775}dd{margin:0;word-break:break-all}
.headline{font-size:16px;margin:12px 0}.headline b{font-size:20px}
.strip{display:flex;flex-direction:column;gap:12px}
figure.wrong{margin:0;background:#fff;border:1px solid #d8dee6;padding:8px;display:flex;gap:12px;align-items:flex-start}
figure.wrong img{max-width:640px;height:auto;border:1px solid #ccc}.noimg{width:160px;height:90px;background:#eee}
.exp{color:#176d2c}.pred{color:#a4161a}.reason{color:#7a5c00}.cam{color:#5b6775}
</style></head><body>
<h1>Evaluation report</h1>
<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
<p class="headline">micro F1 <b id="micro-f1">${num3(m.micro.f1)}</b> · macro F1 <b id="macro-f1">${num3(m.macroF1)}</b> ·
missed danger <b id="missed-danger">${m.missedDanger}</b>/${m.dangerClips} · wrong clips <b id="wrong">${m.wrong}</b>/${m.clips}</p>
<h2>Per hazard</h2>
${table(HAZARD_HEAD, hazardRows(m), 'hazards')}
<h2>Status confusion (rows: label, columns: prediction)</h2>
${table(CONFUSION_HEAD, confusionRows(m), 'confusion')}
<h2>Wrong clips (${wrong.length})</h2>
<div class="strip">
${cards || '<p>none</p>'}
</div>
</body></html>
`;
}
