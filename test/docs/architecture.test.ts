/**
 * docs/architecture.md must describe the code as it is: the repository paths it names exist,
 * every Redis key, CloudEvent type and hazard type the code defines is documented, and every
 * "§x" that code or docs cite resolves to a section of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EventType } from '../../functions/shared/src/events';
import { redisKeys, type RedisKeys } from '../../functions/shared/src/keys';
import { HAZARD_TYPES } from '../../functions/shared/src/verdict';
import { alertKeys } from '../../functions/alerts/src/adapters/store-keys';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DOC = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'architecture.md'), 'utf8');

/** The text of one `### x.y` (or `## x.`) section, up to the next heading of any level. */
function section(id: string): string {
  const lines = DOC.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^#{2,3} ${id.replace('.', '\\.')}[. ]`).test(l));
  if (start < 0) throw new Error(`docs/architecture.md has no section ${id}`);
  const end = lines.findIndex((l, i) => i > start && /^#{2,3} \d/.test(l));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** Text files under `dir` (recursive), skipping dependencies, git data and generated state. */
function textFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', '.git', '.safety-hanta', 'coverage', 'dist'].includes(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...textFiles(p));
    else if (/\.(ts|cjs|mjs|js|md|ya?ml|lua|json)$/.test(e.name)) out.push(p);
  }
  return out;
}

/** A repository file the doc names: as written, or under functions/ (the doc often drops that prefix). */
function resolveCited(p: string): string | undefined {
  for (const candidate of [p, path.join('functions', p)]) {
    const abs = path.join(REPO_ROOT, candidate);
    if (fs.existsSync(abs) && fs.statSync(abs).isFile()) return abs;
  }
  return undefined;
}

/**
 * Every `symbol` the doc cites beside a file: on one line, a backticked source path followed by
 * backticked identifiers separated only by commas, spaces, "and" or arrows' absence, e.g.
 * `functions/capture/src/core/recorder-args.ts` `buildRecorderCommand`. Another path, or any prose
 * between them, ends the list.
 */
function citedSymbols(doc: string): { file: string; symbol: string; line: number }[] {
  const out: { file: string; symbol: string; line: number }[] = [];
  doc.split('\n').forEach((text, i) => {
    let file: string | undefined;
    let lastEnd = 0;
    for (const m of text.matchAll(/`([^`]+)`/g)) {
      const token = m[1] as string;
      const between = text.slice(lastEnd, m.index);
      lastEnd = (m.index ?? 0) + m[0].length;
      if (/^[\w./-]+\.(ts|js|cjs|lua)$/.test(token)) {
        file = token;
        continue;
      }
      if (file && /^[\s,]*(and\s*)?$/.test(between) && /^[A-Za-z_$][\w$]*(\(\))?$/.test(token))
        out.push({ file, symbol: token.replace(/\(\)$/, ''), line: i + 1 });
      else file = undefined;
    }
  });
  return out;
}

describe('docs/architecture.md (offline)', () => {
  it('every repository path it names exists', () => {
    const roots = 'functions|simulator|knative|keda|infra|bench|test|scripts|docs';
    const re = new RegExp(`(?<![\\w./:<-])((?:${roots})/[\\w./-]*[\\w/])`, 'g');
    const paths = [...DOC.matchAll(re)].map((m) => m[1] as string);
    expect(paths.length).toBeGreaterThan(40);
    const missing = [...new Set(paths)].filter((p) => !fs.existsSync(path.join(REPO_ROOT, p.replace(/\/$/, ''))));
    expect(missing).toEqual([]);
  });

  it('documents every Redis key that keys.ts and the alerts store build (§3.3)', () => {
    const k = redisKeys('safety');
    const placeholders: Partial<Record<keyof RedisKeys, string>> = {
      processing: '<consumer>',
      consumerHeartbeat: '<consumer>',
      cameraLease: '<cameraId>',
      cameraHandoff: '<cameraId>',
      enqueued: '<jobId>',
      verdictDone: '<jobId>',
      inferenceOutcome: '<jobId or event marker>',
      inferenceCameraEvent: '<eventId>',
      inferencePublished: '<eventId>',
      alertsSeen: '<eventId>',
      alertsRevokedSession: '<sessionId>',
      notifyOnce: '<deliveryId>',
      notifyCooldown: '<sha256 of rule, camera, hazard>',
      notifyReportMailed: '<YYYY-MM-DD>',
      notifyReportAttempts: '<YYYY-MM-DD>',
      coverageJudged: '<camera>',
      coverageMarks: '<camera>',
    };
    const built = Object.entries(k).flatMap(([name, v]) => {
      if (name === 'processingPattern') return []; // a SCAN pattern, not a key
      if (typeof v === 'function') {
        const arg = placeholders[name as keyof RedisKeys];
        if (!arg)
          throw new Error(
            `keys.ts has a new key function "${name}": give it a placeholder here and document it in §3.3`,
          );
        return [(v as (a: string) => string)(arg)];
      }
      return [v as string];
    });
    const a = alertKeys('safety');
    const alerts = Object.values({ ...a, seen: a.seen('<eventId>') }).filter((v): v is string => typeof v === 'string');
    const table = section('3.3');
    const undocumented = [...new Set([...built, ...alerts])].filter((key) => !table.includes(`\`${key}\``));
    expect(undocumented).toEqual([]);
  });

  it('documents every CloudEvent type (§3.5) and hazard type (§3.6)', () => {
    const events = section('3.5');
    // a type is written out in full, or as `.alert.updated` after its family's first member
    const types = Object.values(EventType).filter(
      (t) => !events.includes(`\`${t}\``) && !events.includes(`\`.${t.replace(/^com\.safetyhanta\./, '')}\``),
    );
    expect(types).toEqual([]);
    const verdict = section('3.6');
    expect(HAZARD_TYPES.filter((h) => !verdict.includes(h))).toEqual([]);
  });

  it('has every section that code and docs cite as "docs/architecture.md §x" or "docs/architecture.md §x"', () => {
    const files = [
      ...['functions', 'simulator', 'scripts', 'bench', 'test', 'knative', 'keda', 'infra', 'docs'].flatMap((d) =>
        textFiles(path.join(REPO_ROOT, d)),
      ),
      ...['README.md', 'BENCHMARKS.md'].map((f) => path.join(REPO_ROOT, f)),
    ].filter((f) => !f.endsWith(path.join('docs', 'REFERENCE-REWRITE.md')));
    const cited = new Set<string>();
    for (const f of files) {
      for (const m of fs
        .readFileSync(f, 'utf8')
        .matchAll(/(?:DESIGN|docs\/architecture\.md|architecture\.md) §(\d+(?:\.\d+)?)/g))
        cited.add(m[1] as string);
    }
    expect(cited.size).toBeGreaterThan(5);
    const missing = [...cited].filter((id) => {
      try {
        section(id);
        return false;
      } catch {
        return true;
      }
    });
    expect(missing).toEqual([]);
  });
  it('every `symbol` it cites beside a file exists in that file (a rename must update the doc)', () => {
    const cited = citedSymbols(DOC);
    expect(cited.length).toBeGreaterThan(30);
    const missing = cited.filter(({ file, symbol }) => {
      const abs = resolveCited(file);
      if (!abs) return false; // the path check above reports it
      return !new RegExp(`(?<![\\w$])${symbol.replace(/\$/g, '\\$')}(?![\\w$])`).test(fs.readFileSync(abs, 'utf8'));
    });
    expect(
      missing.map(({ file, symbol, line }) => `docs/architecture.md:${line} \`${symbol}\` not in ${file}`),
    ).toEqual([]);
  });
});
