import type { Rule, RulesFile, SubjectKind } from './rules';
import type { z } from 'zod';
import type { WindowSchema } from './rules';

/** What a rule is matched against: an incident, or a camera going offline. */
export interface Subject {
  readonly kind: SubjectKind;
  readonly cameraId: string;
  /** The incident's hazard type (`camera_offline` for a camera). */
  readonly hazardType: string;
  readonly severity: 'warning' | 'danger';
  /** From the camera registry, when the camera is in it. */
  readonly site?: string;
  readonly zones: readonly string[];
}

/** Day of week (0 = Sunday) and minutes since midnight in a time zone. */
export interface LocalTime {
  readonly day: number;
  readonly minutes: number;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The wall-clock time in `timeZone` (Intl, so daylight saving is the tz database's). */
export function localTime(now: Date, timeZone: string): LocalTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '0';
  return { day: DAYS.indexOf(get('weekday')), minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * True inside the span. `from` = `to` is the whole day; `to` < `from` wraps past midnight, and then
 * the part after midnight belongs to the day the span started (a Friday night shift runs into Saturday).
 */
export function inWindow(w: z.infer<typeof WindowSchema>, t: LocalTime): boolean {
  const from = toMinutes(w.from);
  const to = toMinutes(w.to);
  const days = w.days;
  if (from === to) return !days || days.includes(t.day);
  if (from < to) return t.minutes >= from && t.minutes < to && (!days || days.includes(t.day));
  if (t.minutes >= from) return !days || days.includes(t.day);
  if (t.minutes < to) return !days || days.includes((t.day + 6) % 7);
  return false;
}

const has = <T>(list: readonly T[] | undefined, v: T | undefined): boolean =>
  list === undefined || (v !== undefined && list.includes(v));

/** Whether one rule's match (without quiet hours) selects the subject at this local time. */
export function ruleMatches(rule: Rule, s: Subject, t: LocalTime): boolean {
  const m = rule.match;
  return (
    m.events.includes(s.kind) &&
    has(m.cameras, s.cameraId) &&
    has(m.sites, s.site) &&
    has(m.hazardTypes as readonly string[] | undefined, s.hazardType) &&
    has(m.severities, s.severity) &&
    (m.zones === undefined || m.zones.some((z) => s.zones.includes(z))) &&
    (m.window === undefined || inWindow(m.window, t))
  );
}

/** Quiet hours let only their `allow` severities through. */
export function quietAllows(rule: Rule, s: Subject, t: LocalTime): boolean {
  const q = rule.quietHours;
  return q === undefined || !inWindow(q, t) || q.allow.includes(s.severity);
}

/** Every rule that sends a message about this subject now (cooldowns are the caller's: they live in Redis). */
export function matchingRules(file: RulesFile, s: Subject, now: Date): Rule[] {
  const t = localTime(now, file.timeZone);
  return file.rules.filter((r) => ruleMatches(r, s, t) && quietAllows(r, s, t));
}
