import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { RecordDb } from '../../../shared/src/record/db';
import { toError } from '../../../shared/src/errors';
import { reportSubject } from '../../../shared/src/record/report-subject';
import type { Request, Response } from '../../../shared/src/http';
import { htmlToPdf } from '../adapters/pdf';
import { buildReport } from '../core/report';
import { renderReportHtml } from '../core/report-html';
import { parseUtcOffset, reportWindow, type ReportKind } from '../core/report-window';
import type { AuditLog } from '../record/audit-log';
import { reportRows } from '../record/report-data';
import { allowed } from './record-actor';

export interface ReportDeps {
  readonly db: RecordDb;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly now: () => Date;
  /** RECORD_REPORT_UTC_OFFSET, e.g. `+09:00`. */
  readonly utcOffset: string;
  /** CHROMIUM_PATH: prints the PDF. */
  readonly chromium: string;
  /** A clip's thumbnail, inlined into the PDF (the HTML page links /thumbs instead). */
  readonly thumbnail?: (clipPath: string) => Promise<Buffer>;
}

const CSS_FILE = path.join(__dirname, '..', '..', 'public', 'report.css');
const thumbUrl = (cameraId: string, clip: string) =>
  `/thumbs/${encodeURIComponent(cameraId)}.jpg?clip=${encodeURIComponent(clip)}`;

/**
 * `GET /reports/{shift,daily,weekly}?date=YYYY-MM-DD[&shift=day|night]` (HTML) and the same path with
 * `.pdf`. Viewer role; each view is audited (`view.report`, target `report:<kind>:<date>[:shift]`).
 */
export function reportRoutes(deps: ReportDeps) {
  const offset = parseUtcOffset(deps.utcOffset) ?? 540;
  return async (req: Request, res: Response): Promise<boolean> => {
    const m = /^\/reports\/(shift|daily|weekly)(\.pdf)?$/.exec(req.path);
    if (!m || req.method !== 'GET') return false;
    const who = allowed('viewer', req, res);
    if (!who) return true;
    const kind = m[1] as ReportKind;
    const pdf = m[2] === '.pdf';
    const today = new Date(deps.now().getTime() + offset * 60_000).toISOString().slice(0, 10);
    const date = typeof req.query.date === 'string' ? req.query.date : today;
    const shift = req.query.shift === 'night' ? 'night' : 'day';
    const w = reportWindow(kind, date, offset, shift);
    if (!w) return (res.status(400).json({ error: 'date must be a real YYYY-MM-DD' }), true);
    const rows = await reportRows(deps.db, w);
    const model = buildReport(w, rows.incidents, rows.actions, rows.cameraEvents, deps.now());
    await deps.audit.write(who, {
      action: 'view.report',
      target: reportSubject(kind, date, shift),
      detail: { format: pdf ? 'pdf' : 'html' },
    });
    if (!pdf) {
      const html = renderReportHtml(model, { css: { href: '/assets/report.css' }, thumbSrc: thumbUrl });
      return (
        res.status(200).set({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).send(html),
        true
      );
    }
    // the PDF is printed offline: CSS and thumbnails travel inside the HTML (data: URLs)
    const thumbs = new Map<string, string>();
    if (deps.thumbnail)
      for (const i of model.top)
        if (i.thumbClip) {
          const jpeg = await deps.thumbnail(i.thumbClip).catch(() => undefined);
          if (jpeg) thumbs.set(i.thumbClip, `data:image/jpeg;base64,${jpeg.toString('base64')}`);
        }
    const html = renderReportHtml(model, {
      css: { inline: fs.readFileSync(CSS_FILE, 'utf8') },
      thumbSrc: (_cam, clip) => thumbs.get(clip),
    });
    try {
      const body = await htmlToPdf(html, deps.chromium);
      res.status(200).set({
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="report-${kind}-${date}.pdf"`,
        'cache-control': 'no-store',
      });
      return (res.send(body), true);
    } catch (err) {
      deps.logger.warn({ err: toError(err).message.slice(0, 300) }, 'report PDF failed');
      return (res.status(503).json({ error: 'the PDF printer (chromium, CHROMIUM_PATH) is not available here' }), true);
    }
  };
}
