import { RetryableError } from '../../../shared/src/errors';
import type { AlertData, CameraStatusEvent } from '../../../shared/src/events';
import {
  decideAlert,
  decideCamera,
  dueStep,
  stepDueAt,
  type AlertKind,
  type Decision,
  type NotifiedIncident,
  type Transition,
} from '../core/incident-state';
import type { MessageInput } from '../core/message';
import { matchingRules, type Subject } from '../core/routing';
import type { Rule, RulesFile } from '../core/rules';
import type { IncidentStore } from '../adapters/incident-store';
import { queueMessages, type Addressed, type PlanDeps } from './plan';

export interface NotifierDeps extends PlanDeps {
  readonly store: IncidentStore;
  /** The rules in force (re-read on every event, so an edit applies at once). */
  readonly rules: () => RulesFile;
  /** Called after anything was queued (wakes the sender). */
  readonly onQueued: () => void;
}

export interface Handled {
  readonly transition?: Transition;
  readonly queued: number;
}

/** Compare-and-set retries before the event is answered 503 (Knative redelivers it). */
const CAS_TRIES = 8;

const recipientsOf = (rules: readonly Rule[]): Addressed[] =>
  rules.flatMap((r) => r.recipients.map((recipient) => ({ ruleId: r.id, recipient })));

/**
 * The notify application: an event (or a tick) → a transition → messages queued in the outbox.
 * Messages are queued BEFORE the incident state is written, and queuing is idempotent, so a crash
 * in between only means the redelivered event queues nothing new and then writes the state.
 */
export class Notifier {
  constructor(private readonly deps: NotifierDeps) {}

  async onAlert(kind: AlertKind, d: AlertData): Promise<Handled> {
    // inference turns camera.offline into a camera_offline incident too; the camera's own events tell it (once)
    if (d.hazardType === 'camera_offline') return { queued: 0 };
    return this.transact(
      d.incidentId,
      (prev) => decideAlert(prev, kind, d, this.deps.now()),
      async (dec, prev) => {
        const next = { ...dec.next!, summary: d.summary, clipPath: d.clipPath };
        const input: MessageInput = {
          incidentId: d.incidentId,
          transition: dec.transition!,
          severity: d.severity,
          cameraId: d.cameraId,
          hazardType: d.hazardType,
          summary: d.summary,
          clipPath: d.clipPath,
          openedAt: d.openedAt,
          at: d.analyzedAt,
          ...(prev ? { from: prev.severity } : {}),
        };
        if (dec.transition === 'resolved') return { next, input, addressed: this.toldBefore(next), ackable: false };
        const info = await this.deps.store.cameraInfo(d.cameraId);
        const subject: Subject = {
          kind: 'incident',
          cameraId: d.cameraId,
          hazardType: d.hazardType,
          severity: d.severity,
          zones: info.zones,
          ...(info.site ? { site: info.site } : {}),
        };
        let rules = matchingRules(this.deps.rules(), subject, new Date(this.deps.now()));
        if (dec.transition === 'raised') rules = await this.outOfCooldown(rules, d);
        return {
          next: { ...next, ruleIds: [...new Set([...(prev?.ruleIds ?? []), ...rules.map((r) => r.id)])] },
          input,
          addressed: recipientsOf(rules),
          ackable: true,
        };
      },
    );
  }

  async onCamera(e: CameraStatusEvent): Promise<Handled> {
    return this.transact(
      `camera:${e.cameraId}`,
      (prev) => decideCamera(prev, e),
      async (dec) => {
        const next = dec.next!;
        const input: MessageInput = {
          incidentId: next.incidentId,
          transition: dec.transition!,
          severity: 'warning',
          cameraId: e.cameraId,
          hazardType: 'camera_offline',
          summary: e.reason ?? (e.status === 'offline' ? 'no clip from this camera' : 'clips arrive again'),
          openedAt: next.openedAt,
          at: e.at,
        };
        if (dec.transition === 'camera-online')
          return { next, input, addressed: this.toldBefore(next), ackable: false };
        const info = await this.deps.store.cameraInfo(e.cameraId);
        const subject: Subject = {
          kind: 'camera_offline',
          cameraId: e.cameraId,
          hazardType: 'camera_offline',
          severity: 'warning',
          zones: info.zones,
          ...(info.site ? { site: info.site } : {}),
        };
        const rules = matchingRules(this.deps.rules(), subject, new Date(this.deps.now()));
        return {
          next: { ...next, ruleIds: rules.map((r) => r.id) },
          input,
          addressed: recipientsOf(rules),
          ackable: false,
        };
      },
    );
  }

  /**
   * The escalation clock: every unacknowledged, unresolved danger incident whose next step is due
   * goes to the rule's next tier (the last tier again once all were told).
   */
  async onTick(): Promise<{ escalated: number; queued: number }> {
    const nowMs = this.deps.now();
    let escalated = 0;
    let queued = 0;
    for (const id of await this.deps.store.dueEscalations(nowMs)) {
      const view = await this.deps.store.dashboardView(id);
      const stop = view?.acknowledgedAt !== undefined || view?.state === 'resolved';
      const r = await this.transact(
        id,
        (prev) => {
          if (!prev || prev.resolved || stop) return { transition: undefined, next: undefined };
          const steps = { ...prev.escalationSteps };
          let top = 0;
          for (const rule of this.rulesOf(prev)) {
            const step = dueStep(prev, rule.escalation!.afterMinutes, nowMs);
            if (step > (steps[rule.id] ?? 0)) top = Math.max(top, (steps[rule.id] = step));
          }
          return top === 0
            ? { transition: undefined, next: undefined }
            : { transition: `escalation-${top}` as Transition, next: { ...prev, escalationSteps: steps } };
        },
        async (dec, prev) => {
          const addressed: Addressed[] = [];
          for (const rule of this.rulesOf(prev!)) {
            const step = dec.next!.escalationSteps[rule.id] ?? 0;
            if (step <= (prev!.escalationSteps[rule.id] ?? 0)) continue;
            const tiers = rule.escalation!.tiers;
            addressed.push(
              ...(tiers[Math.min(step, tiers.length) - 1] ?? []).map((recipient) => ({ ruleId: rule.id, recipient })),
            );
          }
          return {
            next: dec.next!,
            input: {
              incidentId: id,
              transition: dec.transition!,
              severity: prev!.severity,
              cameraId: prev!.cameraId,
              hazardType: prev!.hazardType,
              summary: prev!.summary ?? '',
              ...(prev!.clipPath ? { clipPath: prev!.clipPath } : {}),
              openedAt: prev!.openedAt,
              at: new Date(nowMs).toISOString(),
              minutesOpen: Math.round((nowMs - (prev!.dangerSince ?? nowMs)) / 60_000),
            },
            addressed,
            ackable: true,
          };
        },
      );
      if (stop) await this.deps.store.scheduleEscalation(id, undefined);
      if (r.transition) escalated++;
      queued += r.queued;
    }
    return { escalated, queued };
  }

  private rulesOf(inc: NotifiedIncident): Rule[] {
    return this.deps.rules().rules.filter((r) => r.escalation && inc.ruleIds.includes(r.id));
  }

  /** The rule recipients of an incident's first message (and the escalation tiers reached): told of the end too. */
  private toldBefore(inc: NotifiedIncident): Addressed[] {
    return this.deps
      .rules()
      .rules.filter((r) => inc.ruleIds.includes(r.id))
      .flatMap((r) => [
        ...recipientsOf([r]),
        ...(r.escalation?.tiers.slice(0, inc.escalationSteps[r.id] ?? 0).flat() ?? []).map((recipient) => ({
          ruleId: r.id,
          recipient,
        })),
      ]);
  }

  private async outOfCooldown(rules: Rule[], d: AlertData): Promise<Rule[]> {
    const out: Rule[] = [];
    for (const r of rules)
      if (await this.deps.store.passCooldown(r.id, d.cameraId, d.hazardType, d.incidentId, r.cooldownSeconds))
        out.push(r);
    return out;
  }

  /** When the next escalation step of a danger incident falls due (undefined: none). */
  private nextEscalation(inc: NotifiedIncident): number | undefined {
    if (inc.resolved || inc.severity !== 'danger') return undefined;
    const due = this.rulesOf(inc).map((r) =>
      stepDueAt(inc, r.escalation!.afterMinutes, (inc.escalationSteps[r.id] ?? 0) + 1),
    );
    return due.length ? Math.min(...due) : undefined;
  }

  /** Decide → queue → compare-and-set the state, again on a conflict. */
  private async transact(
    field: string,
    decide: (prev: NotifiedIncident | undefined) => Decision,
    plan: (
      dec: Decision,
      prev: NotifiedIncident | undefined,
    ) => Promise<{ next: NotifiedIncident; input: MessageInput; addressed: Addressed[]; ackable: boolean }>,
  ): Promise<Handled> {
    for (let i = 0; i < CAS_TRIES; i++) {
      const prev = await this.deps.store.get(field);
      const dec = decide(prev);
      if (!dec.transition || !dec.next) return { queued: 0 };
      const p = await plan(dec, prev);
      const queued = await queueMessages(this.deps, p.input, p.addressed, { ackable: p.ackable });
      if (queued > 0) this.deps.onQueued();
      if (await this.deps.store.put(field, prev?.rev ?? 0, p.next)) {
        if (!field.startsWith('camera:'))
          await this.deps.store.scheduleEscalation(field, this.nextEscalation({ ...p.next, rev: 0 }));
        return { transition: dec.transition, queued };
      }
    }
    throw new RetryableError(`incident ${field} kept changing under ${CAS_TRIES} tries; retry later`);
  }
}
