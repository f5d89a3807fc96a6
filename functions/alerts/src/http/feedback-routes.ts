import type { Logger } from 'pino';
import { z } from 'zod';
import {
  feedbackCounts,
  feedbackProblem,
  FeedbackTargetSchema,
  FEEDBACK_KINDS,
  type FeedbackRecord,
  type FeedbackTarget,
} from '../../../shared/src/feedback';
import { HAZARD_TYPES, severityOf, type HazardType, type VerdictStatus } from '../../../shared/src/verdict';
import type { Request, Response } from '../../../shared/src/http';
import { toError } from '../../../shared/src/errors';
import type { FeedbackStore } from '../adapters/feedback-store';
import type { AlertStore } from '../adapters/redis-store';
import type { FeedbackRecorder } from '../record/feedback-log';
import { operatorWrite } from './operator-check';
import { actorOf } from './record-actor';

export interface FeedbackRouteDeps {
  readonly store: AlertStore;
  readonly feedback: FeedbackStore;
  /** The system of record's feedback table and audit log (issue #25); absent with RECORD_DIR=off. */
  readonly feedbackRecord?: FeedbackRecorder | undefined;
  readonly logger?: Logger;
}

/**
 * Writes the record first: when it cannot be written the answer is 503 and Redis is left as it
 * was, so the live set never holds a mark the 5-year record lacks. True when written (or no record).
 */
async function recorded(
  deps: FeedbackRouteDeps,
  res: Response,
  write: (() => Promise<void>) | undefined,
): Promise<boolean> {
  if (!write) return true;
  try {
    await write();
    return true;
  } catch (err) {
    deps.logger?.error({ err: toError(err).message }, 'feedback not recorded: refused');
    res.status(503).set('retry-after', '5').json({ error: 'the record cannot be written; retry shortly' });
    return false;
  }
}

/** What the model said about a target's clip, looked up on the server (never taken from the browser). */
export interface TargetFacts {
  cameraId: string;
  clipPath: string;
  predicted: { status: VerdictStatus; hazards: HazardType[] };
}

const HAZARD_SET = new Set<string>(HAZARD_TYPES);
const isHazard = (t: string): t is HazardType => HAZARD_SET.has(t);
/** How far back a verdict can be marked: the recent-verdicts list the dashboard shows (ALERTS_RECENT_VERDICTS caps it). */
const VERDICT_LOOKBACK = 1000;

const PostSchema = z.object({
  target: FeedbackTargetSchema,
  kind: z.enum(FEEDBACK_KINDS),
  hazards: z.array(z.enum(HAZARD_TYPES)).min(1).max(HAZARD_TYPES.length),
  note: z.string().max(500).optional(),
  by: z.string().optional(),
});
const RemoveSchema = z.object({
  target: FeedbackTargetSchema,
  kind: z.enum(FEEDBACK_KINDS),
  by: z.string().optional(),
});

const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

/**
 * The target's clip and the model's hazards. An incident's clip is the one that raised it
 * (the first in its history); a verdict must still be in the recent list.
 */
export async function resolveTarget(
  store: AlertStore,
  t: FeedbackTarget,
): Promise<TargetFacts | { error: string; status: number }> {
  if (t.kind === 'incident') {
    const rec = await store.getIncident(t.id);
    if (!rec) return { status: 404, error: `no incident ${t.id}` };
    const types = [...new Set([rec.hazardType, ...rec.hazards.map((h) => h.type)])];
    if (!types.every(isHazard))
      return { status: 400, error: `incident ${t.id} is ${rec.hazardType}, not a hazard the model reported` };
    const clipPath = rec.history[0]?.clipPath || rec.clipPath;
    if (!clipPath) return { status: 400, error: `incident ${t.id} has no clip` };
    const hazards = types.sort();
    return {
      cameraId: rec.cameraId,
      clipPath,
      predicted: { status: hazards.some((h) => severityOf(h) === 'danger') ? 'danger' : 'warning', hazards },
    };
  }
  const v = (await store.recentVerdicts(VERDICT_LOOKBACK)).find((x) => x.jobId === t.id);
  if (!v) return { status: 404, error: `verdict ${t.id} is not among the recent verdicts` };
  return {
    cameraId: v.cameraId,
    clipPath: v.clipPath,
    predicted: { status: v.status, hazards: [...new Set(v.hazards.map((h) => h.type))].sort() },
  };
}

/**
 * Operator feedback API (issue #16):
 * - GET  /api/feedback                       → { records, counts } (counts per hazard and kind)
 * - GET  /api/feedback/target?kind=&id=      → the target's clip, the model's answer and its feedback
 * - POST /api/feedback        {target, kind, hazards, note?, by?} → 201 the stored record
 * - POST /api/feedback/remove {target, kind, by?}                 → 200
 * Writes pass {@link operatorWrite} (the one auth seam). Returns false for other paths.
 */
export function feedbackRoutes(deps: FeedbackRouteDeps): (req: Request, res: Response) => Promise<boolean> {
  return async (req, res) => {
    const p = req.path;
    if (!p.startsWith('/api/feedback')) return false;
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (get && p === '/api/feedback') {
      const records = await deps.feedback.list();
      return (
        res
          .status(200)
          .set('cache-control', 'no-store')
          .json({ records, counts: feedbackCounts(records) }),
        true
      );
    }
    if (get && p === '/api/feedback/target') {
      const t = FeedbackTargetSchema.safeParse({ kind: req.query.kind, id: req.query.id });
      if (!t.success) return (res.status(400).json({ error: issues(t.error) }), true);
      const facts = await resolveTarget(deps.store, t.data);
      if ('error' in facts) return (res.status(facts.status).json({ error: facts.error }), true);
      const feedback = (await deps.feedback.list()).filter(
        (r) => r.target.kind === t.data.kind && r.target.id === t.data.id,
      );
      return (
        res
          .status(200)
          .set('cache-control', 'no-store')
          .json({ target: t.data, ...facts, feedback }),
        true
      );
    }
    if (req.method !== 'POST' || (p !== '/api/feedback' && p !== '/api/feedback/remove')) return false;
    const who = operatorWrite(req, res);
    if (!who) return true;
    if (p === '/api/feedback/remove') {
      const body = RemoveSchema.safeParse(req.body);
      if (!body.success) return (res.status(400).json({ error: issues(body.error) }), true);
      const { target, kind } = body.data;
      if (!(await deps.feedback.has(target, kind))) return (res.status(404).json({ error: 'no such feedback' }), true);
      const record = deps.feedbackRecord;
      if (!(await recorded(deps, res, record && (() => record.withdrawn(target, kind, actorOf(req)))))) return true;
      const removed = await deps.feedback.remove(target, kind);
      return (
        removed ? res.status(200).json({ removed: true }) : res.status(404).json({ error: 'no such feedback' }),
        true
      );
    }
    const body = PostSchema.safeParse(req.body);
    if (!body.success) return (res.status(400).json({ error: issues(body.error) }), true);
    const facts = await resolveTarget(deps.store, body.data.target);
    if ('error' in facts) return (res.status(facts.status).json({ error: facts.error }), true);
    const hazards = [...new Set(body.data.hazards)].sort();
    const problem = feedbackProblem(body.data.kind, hazards, facts.predicted.hazards);
    if (problem) return (res.status(400).json({ error: problem }), true);
    const rec: FeedbackRecord = {
      v: 1,
      target: body.data.target,
      kind: body.data.kind,
      hazards,
      ...facts,
      by: who.by,
      at: new Date().toISOString(),
      ...(body.data.note ? { note: body.data.note } : {}),
    };
    const record = deps.feedbackRecord;
    if (!(await recorded(deps, res, record && (() => record.given(rec, actorOf(req)))))) return true;
    await deps.feedback.put(rec);
    return (res.status(201).json(rec), true);
  };
}
