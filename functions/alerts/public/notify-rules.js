// @ts-check
/**
 * The admin's routing-rule editor: shows the rules in force (a dashboard edit, or the file's) as
 * JSON, saves an edit with PUT /api/admin/notify-rules (the server validates it with notify's own
 * schema; a bad rule comes back as a 400 naming its field, shown here), or returns to the file's
 * rules with DELETE. State changes send JSON (the dashboard's CSRF rule).
 */

/** @typedef {{timeZone: string, rules: unknown[], channels: {id: string, kind: string}[]}} RulesBase */
/** @typedef {{rev: number, by: string, at: string, timeZone: string, rules: unknown[]}} StoredEdit */

const text = /** @type {HTMLTextAreaElement} */ (document.getElementById('rules'));
const error = /** @type {HTMLElement} */ (document.getElementById('rules-error'));
const ok = /** @type {HTMLElement} */ (document.getElementById('rules-ok'));
const inForce = /** @type {HTMLElement} */ (document.getElementById('in-force'));
const channels = /** @type {HTMLElement} */ (document.getElementById('channels'));

/** @param {string | undefined} problem @param {string} [done] */
function show(problem, done) {
  error.hidden = problem === undefined;
  error.textContent = problem ?? '';
  ok.hidden = done === undefined;
  ok.textContent = done ?? '';
}

async function load() {
  const res = await fetch('/api/admin/notify-rules', { headers: { accept: 'application/json' } });
  if (!res.ok) return show(`${res.status}: ${(await res.json().catch(() => ({}))).error ?? res.statusText}`);
  const { base, edit } = /** @type {{base: RulesBase | null, edit: StoredEdit | null}} */ (await res.json());
  const doc = edit ?? base;
  text.value = doc ? JSON.stringify({ timeZone: doc.timeZone, rules: doc.rules }, null, 2) : '';
  inForce.textContent = edit
    ? `대시보드에서 수정 · edited in the dashboard by ${edit.by} at ${edit.at}`
    : '파일 규칙 · the file\u2019s rules';
  inForce.dataset.source = edit ? 'dashboard' : 'file';
  channels.textContent = base ? base.channels.map((c) => `${c.id} (${c.kind})`).join(', ') : '(notify has not started)';
}

/** @param {string} method @param {string} [body] */
async function send(method, body) {
  const res = await fetch('/api/admin/notify-rules', {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    ...(body !== undefined ? { body } : {}),
  });
  const answer = /** @type {{error?: string}} */ (await res.json().catch(() => ({})));
  return { ok: res.ok, problem: answer.error ?? `${res.status} ${res.statusText}` };
}

document.getElementById('save')?.addEventListener('click', async () => {
  let body;
  try {
    body = JSON.stringify(JSON.parse(text.value));
  } catch (e) {
    return show(`JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const r = await send('PUT', body);
  if (!r.ok) return show(r.problem);
  await load();
  show(undefined, '저장됨 · saved: notify uses these rules from the next event');
});

document.getElementById('revert')?.addEventListener('click', async () => {
  const r = await send('DELETE');
  if (!r.ok) return show(r.problem);
  await load();
  show(undefined, '파일 규칙으로 돌아감 · back to the file\u2019s rules');
});

void load();
