import { z } from 'zod';
import type { ActionStatus } from './record-filter';

/**
 * The corrective-action workflow (issue #25): open → in_progress → done → verified. `verified`
 * closes the action and needs a comment (what was checked). Work found wanting goes back:
 * done → in_progress. Anything else is refused with 409, naming the state it is in.
 */
const NEXT: Record<ActionStatus, readonly ActionStatus[]> = {
  open: ['in_progress'],
  in_progress: ['done'],
  done: ['verified', 'in_progress'],
  verified: [],
};

export type TransitionCheck = { ok: true } | { ok: false; status: 400 | 409; error: string };

export function checkTransition(from: ActionStatus, to: ActionStatus, comment: string | undefined): TransitionCheck {
  if (!NEXT[from].includes(to))
    return {
      ok: false,
      status: 409,
      error:
        from === 'verified'
          ? `action is verified (closed); it cannot move to ${to}`
          : `action is ${from}; it can move to ${NEXT[from].join(' or ')}, not ${to}`,
    };
  if (to === 'verified' && !comment) return { ok: false, status: 400, error: 'closing (verified) needs a comment' };
  return { ok: true };
}

/** An action is overdue while not done and past its due time. */
export function isOverdue(a: { status: ActionStatus; dueAt: string }, now: Date): boolean {
  return (a.status === 'open' || a.status === 'in_progress') && Date.parse(a.dueAt) < now.getTime();
}

const text = z.string().trim().min(1).max(2000);
const who = z.string().trim().min(1).max(200);
const due = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), 'a date or ISO time')
  .transform((s) => new Date(Date.parse(s)).toISOString());

export const NewActionSchema = z.strictObject({ text, owner: who, due });
export const TransitionSchema = z.strictObject({
  to: z.enum(['open', 'in_progress', 'done', 'verified']),
  comment: z.string().trim().min(1).max(2000).optional(),
});
export const AssignSchema = z.strictObject({ owner: who });
export const AckBodySchema = z.strictObject({ note: z.string().trim().max(2000).optional() });
export const HoldSchema = z.strictObject({ hold: z.boolean(), reason: z.string().trim().min(1).max(2000) });
