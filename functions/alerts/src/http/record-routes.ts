import type { z } from 'zod';
import type { Logger } from 'pino';
import type { Request, Response } from '../../../shared/src/http';
import { toError } from '../../../shared/src/errors';
import { AckBodySchema, AssignSchema, HoldSchema, NewActionSchema, TransitionSchema } from '../core/actions';
import { parseHistoryFilter } from '../core/record-filter';
import type { AuditLog } from '../record/audit-log';
import type { DeliveryLog } from '../record/deliveries';
import type { RecordReader } from '../record/record-reader';
import type { FeedbackLog } from '../record/feedback-log';
import type { Workflow } from '../record/workflow';
import type { RecordWriter } from '../record/record-writer';
import type { AlertStore } from '../adapters/redis-store';
import { summarize } from '../adapters/live-state';
import { allowed, segment } from './record-actor';

export interface RecordRouteDeps {
  readonly reader: RecordReader;
  /** The incident's operator feedback (listed in its record). */
  readonly feedback: Pick<FeedbackLog, 'ofIncident'>;
  readonly writer: RecordWriter;
  readonly workflow: Workflow;
  readonly audit: AuditLog;
  /** notify's delivery attempts (issue #25 §2), shown with the incident's record. */
  readonly deliveries: DeliveryLog;
  readonly store: AlertStore;
  readonly logger: Logger;
  /** Legal hold changed: keep (or release) the incident's clips in capture's retention. */
  readonly onHold: (clipPaths: readonly string[], hold: boolean) => Promise<void>;
  /** Serves the history page (public/history.html). */
  readonly sendPage?: (res: Response, name: string) => void;
}

type Route = (req: Request, res: Response) => Promise<boolean>;

function body<T>(schema: z.ZodType<T>, req: Request, res: Response): T | undefined {
  if (!req.is('application/json')) return void res.status(415).json({ error: 'send Content-Type: application/json' });
  const parsed = schema.safeParse(req.body ?? {});
  if (parsed.success) return parsed.data;
  const i = parsed.error.issues[0];
  return void res.status(400).json({ error: `${i?.path.join('.') || '(body)'}: ${i?.message ?? 'invalid'}` });
}

/**
 * The record's JSON API (docs/architecture.md §3.8): the filtered history, one incident's full
 * record, acknowledgement with a note, assignment, legal hold, corrective actions, the audit log.
 * Every route checks the role of today's access control and writes its audit entry.
 */
export function recordRoutes(deps: RecordRouteDeps): Route {
  const { reader, workflow, audit } = deps;
  return async (req, res) => {
    const p = req.path;
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (get && (p === '/history' || p === '/history.html') && deps.sendPage) {
      if (!allowed('viewer', req, res)) return true;
      return (deps.sendPage(res, 'history.html'), true);
    }
    if (get && p === '/api/incidents') {
      const who = allowed('viewer', req, res);
      if (!who) return true;
      const parsed = parseHistoryFilter(req.query);
      if (!parsed.ok) return (res.status(400).json({ error: parsed.error }), true);
      const page = await reader.search(parsed.filter);
      await audit.write(who, { action: 'view.history', target: 'incidents', detail: { query: req.query } });
      const next = parsed.filter.offset + page.incidents.length;
      return (
        res
          .status(200)
          .set('cache-control', 'no-store')
          .json({
            incidents: page.incidents.map((i) => ({ ...summarize(i), ...i, history: undefined })),
            total: page.total,
            ...(page.totalCapped ? { totalCapped: true } : {}),
            ...((next < page.total || page.totalCapped) && page.incidents.length > 0 ? { nextOffset: next } : {}),
          }),
        true
      );
    }
    const m = /^\/api\/incidents\/([^/]+)\/(record|ack|assign|actions|hold)$/.exec(p);
    const id = segment(m?.[1]);
    if (m && id === undefined) return (res.status(400).json({ error: 'malformed incident id' }), true);
    if (m && id !== undefined && get && m[2] === 'record') {
      const who = allowed('viewer', req, res);
      if (!who) return true;
      const incident = await reader.incident(id);
      if (!incident) return (res.status(404).json({ error: `no incident ${id} in the record` }), true);
      const [transitions, actions, actionEvents, deliveries, feedback] = await Promise.all([
        reader.transitions(id),
        reader.actions(id),
        reader.actionEvents(id),
        deps.deliveries.ofIncident(id),
        deps.feedback.ofIncident(id, incident.clipPaths),
      ]);
      await audit.write(who, { action: 'view.incident', target: id });
      return (
        res
          .status(200)
          .set('cache-control', 'no-store')
          .json({ incident, transitions, actions, actionEvents, deliveries, feedback }),
        true
      );
    }
    if (m && id !== undefined && req.method === 'POST') {
      const who = allowed(m[2] === 'hold' ? 'admin' : 'operator', req, res);
      if (!who) return true;
      if (m[2] === 'ack') {
        const b = body(AckBodySchema, req, res);
        if (!b) return true;
        const at = new Date().toISOString();
        // Redis first (the live dashboard), then the record; either may hold the incident
        const live = await deps.store.acknowledge(id, at, who.name);
        const recorded = await deps.writer.acknowledge(id, live?.acknowledgedAt ?? at, who.name, b.note || undefined);
        if (!live && !recorded) return (res.status(404).json({ error: `no incident ${id}` }), true);
        await audit.write(who, { action: 'incident.acknowledge', target: id, detail: b.note ? { note: b.note } : {} });
        return (res.status(200).json(live ? summarize(live) : recorded), true);
      }
      if (m[2] === 'assign') {
        const b = body(AssignSchema, req, res);
        const r = b && (await workflow.assign(id, b.owner, who));
        return (r && (r.ok ? res.status(200).json(r.value) : res.status(r.status).json({ error: r.error })), true);
      }
      if (m[2] === 'hold') {
        const b = body(HoldSchema, req, res);
        const r = b && (await workflow.hold(id, b.hold, b.reason, who));
        if (r?.ok) await deps.onHold(r.value.clipPaths, b?.hold ?? false);
        return (r && (r.ok ? res.status(200).json(r.value) : res.status(r.status).json({ error: r.error })), true);
      }
      if (m[2] === 'actions') {
        const b = body(NewActionSchema, req, res);
        const r = b && (await workflow.createAction(id, b, who));
        return (r && (r.ok ? res.status(201).json(r.value) : res.status(r.status).json({ error: r.error })), true);
      }
    }
    const t = /^\/api\/actions\/(\d{1,18})\/transition$/.exec(p);
    if (t?.[1] !== undefined && req.method === 'POST') {
      const who = allowed('operator', req, res);
      if (!who) return true;
      const b = body(TransitionSchema, req, res);
      const r = b && (await workflow.transition(t[1], b.to, b.comment, who));
      return (r && (r.ok ? res.status(200).json(r.value) : res.status(r.status).json({ error: r.error })), true);
    }
    if (get && p === '/api/audit') {
      const who = allowed('admin', req, res);
      if (!who) return true;
      const q = req.query as Record<string, unknown>;
      const str = (k: string) => (typeof q[k] === 'string' && q[k] !== '' ? q[k] : undefined);
      const limit = Math.min(Math.max(Number(str('limit') ?? 100) || 100, 1), 1000);
      const offset = Math.max(Number(str('offset') ?? 0) || 0, 0);
      try {
        const entries = await audit.list({
          target: str('target'),
          actor: str('actor'),
          action: str('action'),
          from: str('from'),
          to: str('to'),
          limit,
          offset,
        });
        await audit.write(who, { action: 'view.audit', target: 'audit_log', detail: { query: req.query } });
        return (res.status(200).set('cache-control', 'no-store').json({ entries }), true);
      } catch (err) {
        deps.logger.debug({ err: toError(err).message }, 'audit query refused');
        return (res.status(400).json({ error: 'bad audit query (from/to must be ISO times)' }), true);
      }
    }
    return false;
  };
}
