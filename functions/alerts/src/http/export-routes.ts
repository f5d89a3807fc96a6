import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Logger } from 'pino';
import yazl from 'yazl';
import { resolveClipPath } from '../../../shared/src/clip-path';
import { toError } from '../../../shared/src/errors';
import type { Request, Response } from '../../../shared/src/http';
import { csvLine, INCIDENT_CSV_COLUMNS, statusHistoryCell, UTF8_BOM, type TransitionLike } from '../core/csv';
import { parseHistoryFilter } from '../core/record-filter';
import type { AuditLog } from '../record/audit-log';
import type { RecordReader } from '../record/record-reader';
import type { FeedbackLog } from '../record/feedback-log';
import { allowed, segment } from './record-actor';

export interface ExportDeps {
  readonly reader: RecordReader;
  /** The incident's operator feedback (in the bundle's incident.json). */
  readonly feedback: Pick<FeedbackLog, 'ofIncident'>;
  readonly audit: AuditLog;
  readonly clipsDir: string;
  readonly logger: Logger;
  /** Thumbnail of a clip (the dashboard's ffmpeg cache); omitted = bundles carry no thumbnails. */
  readonly thumbnail?: (clipPath: string) => Promise<Buffer>;
}

/** A CSV export reads the record in pages of this many, up to {@link CSV_MAX_ROWS}. */
const CSV_PAGE = 500;
export const CSV_MAX_ROWS = 100_000;

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/**
 * Exports, audited before anything is sent: `GET /api/incidents.csv` (the history's filters, with
 * the status history) and `GET /api/incidents/{id}/bundle.zip` (the evidence bundle).
 */
export function exportRoutes(deps: ExportDeps) {
  return async (req: Request, res: Response): Promise<boolean> => {
    if (req.method !== 'GET') return false;
    if (req.path === '/api/incidents.csv') return (await csv(deps, req, res), true);
    const m = /^\/api\/incidents\/([^/]+)\/bundle\.zip$/.exec(req.path);
    if (m) return (await bundle(deps, segment(m[1]), req, res), true);
    return false;
  };
}

async function csv(deps: ExportDeps, req: Request, res: Response): Promise<void> {
  const who = allowed('viewer', req, res);
  if (!who) return;
  const parsed = parseHistoryFilter({ ...(req.query as Record<string, unknown>), offset: undefined, limit: undefined });
  if (!parsed.ok) return void res.status(400).json({ error: parsed.error });
  await deps.audit.write(who, { action: 'export.csv', target: 'incidents', detail: { query: req.query } });
  res.status(200).set({
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': 'attachment; filename="incidents.csv"',
    'cache-control': 'no-store',
  });
  res.write(UTF8_BOM + csvLine(INCIDENT_CSV_COLUMNS));
  for (let offset = 0; offset < CSV_MAX_ROWS; offset += CSV_PAGE) {
    const page = await deps.reader.search({ ...parsed.filter, offset, limit: CSV_PAGE });
    const histories = await Promise.all(page.incidents.map((i) => deps.reader.transitions(i.incidentId)));
    const lines = page.incidents.map((i, k) =>
      csvLine([
        i.incidentId,
        i.openedAt,
        i.resolvedAt,
        i.state,
        i.peakSeverity,
        i.cameraId,
        i.site,
        i.area,
        i.zones,
        i.hazardType,
        [...new Set(i.hazards.map((h) => h.type))],
        i.summary,
        i.acknowledgedAt,
        i.acknowledgedBy,
        i.ackNote,
        i.owner,
        i.legalHold,
        i.openActions,
        i.overdueActions,
        statusHistoryCell((histories[k] ?? []) as unknown as TransitionLike[]),
      ]),
    );
    if (lines.length && !res.write(lines.join(''))) await new Promise((r) => res.once('drain', r));
    if (page.incidents.length < CSV_PAGE) break;
  }
  res.end();
}

async function bundle(deps: ExportDeps, id: string | undefined, req: Request, res: Response): Promise<void> {
  const who = allowed('viewer', req, res);
  if (!who) return;
  if (id === undefined) return void res.status(400).json({ error: 'malformed incident id' });
  const incident = await deps.reader.incident(id);
  if (!incident) return void res.status(404).json({ error: `no incident ${id} in the record` });
  // the export is audited first, so the bundle's own trail shows it
  await deps.audit.write(who, { action: 'export.bundle', target: id });
  const [transitions, actions, actionEvents, feedback, trail] = await Promise.all([
    deps.reader.transitions(id),
    deps.reader.actions(id),
    deps.reader.actionEvents(id),
    deps.feedback.ofIncident(id, incident.clipPaths),
    deps.audit.trailOf(id, incident.clipPaths),
  ]);
  const files: { name: string; data: Buffer }[] = [];
  const missing: { clipPath: string; reason: string }[] = [];
  const json = (name: string, v: unknown) => files.push({ name, data: Buffer.from(`${JSON.stringify(v, null, 2)}\n`) });
  json('incident.json', { incident, transitions, actions, actionEvents, feedback });
  json('audit-trail.json', trail);
  for (const [k, clip] of incident.clipPaths.entries()) {
    const base = `${String(k + 1).padStart(2, '0')}-${clip.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
    try {
      // the clip-path guard: nothing outside CLIPS_DIR is ever opened (a deleted clip is listed as missing)
      const real = await resolveClipPath(deps.clipsDir, clip);
      files.push({ name: `clips/${base}`, data: await fs.readFile(real) });
      if (deps.thumbnail) files.push({ name: `thumbnails/${base}.jpg`, data: await deps.thumbnail(clip) });
    } catch (err) {
      missing.push({ clipPath: clip, reason: toError(err).message.slice(0, 200) });
    }
  }
  const manifest = {
    incidentId: id,
    createdAt: new Date().toISOString(),
    createdBy: who.name,
    algorithm: 'sha256',
    files: files.map((f) => ({ name: f.name, bytes: f.data.length, sha256: sha256(f.data) })),
    missing,
  };
  const zip = new yazl.ZipFile();
  for (const f of files) zip.addBuffer(f.data, f.name);
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), 'manifest.json');
  zip.end();
  res.status(200).set({
    'content-type': 'application/zip',
    'content-disposition': `attachment; filename="incident-${id.replace(/[^A-Za-z0-9_-]/g, '_')}.zip"`,
    'cache-control': 'no-store',
  });
  zip.outputStream.pipe(res);
  await new Promise<void>((resolve) => res.once('close', resolve));
}
