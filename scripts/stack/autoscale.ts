/**
 * The local KEDA + HPA equivalent (pure: readings and time in, replica count and reason out).
 * `npm start` feeds it real Redis readings every pollingInterval (scripts/stack/replicas.ts).
 *
 * What it models, each checked against the upstream source:
 * - KEDA (kedacore/keda pkg/scaling/executor/scale_scaledobjects.go): while any trigger is
 *   active and the target is at 0, scale to max(minReplicaCount, 1) ("scaleFromZero"); every
 *   active poll stamps LastActiveTime; when no trigger is active, min is 0 and
 *   LastActiveTime + cooldownPeriod is past, scale to 0. Between 1 and max the HPA decides.
 * - HPA (kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go):
 *   1. per-metric proposals, largest wins (`kedaProposal`, functions/shared/src/scaling.ts);
 *   2. `stabilizeRecommendationWithBehaviors`: every poll's raw recommendation is recorded;
 *      the result is kept between the LOWEST recommendation of the scale-up window and the
 *      HIGHEST of the scale-down window (both including this poll), starting from current;
 *   3. `convertDesiredReplicasWithBehaviorRate`: the change is bounded by the policies of its
 *      direction, counted from the replicas at the start of each policy's period
 *      (`periodStart = current − added + deleted` within periodSeconds; Pods: ±value,
 *      Percent: ceil(×(1+v/100)) up / floor(×(1−v/100)) down), selectPolicy Max = the
 *      largest change, Min = the smallest, Disabled = no change; then clamped to
 *      [max(1, min), max].
 *   (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#configurable-scaling-behavior)
 */
import { kedaProposal, type KedaProposal, type KedaScalingSettings } from '../../functions/shared/src/scaling';
import { type HpaScalingRules, type KedaTiming } from './manifest-scaling';

export interface AutoscalerSettings extends KedaScalingSettings, KedaTiming {}

/** One poll's readings. */
export interface Reading {
  readonly atMs: number;
  /** LLEN safety:clips */
  readonly queued: number;
  /** ZCARD safety:clips:claimed */
  readonly inFlight: number;
}

export interface Decision {
  /** Replicas the target should have after this poll. */
  readonly replicas: number;
  /** Replicas before this poll. */
  readonly previous: number;
  readonly proposal: KedaProposal;
  /** Why (for the panel and the dashboard); kept from the last change when nothing changed. */
  readonly reason: string;
  readonly changed: boolean;
}

interface Stamped {
  readonly atMs: number;
  readonly value: number;
}

/**
 * Divides every time constant by `factor` (a demo or benchmark running faster than the
 * cluster would). Counts and targets are unchanged.
 */
export function scaleTiming(t: KedaTiming, factor: number): KedaTiming {
  if (!(factor > 0)) throw new RangeError(`time scale must be > 0, got ${factor}`);
  const rules = (r: HpaScalingRules): HpaScalingRules => ({
    ...r,
    stabilizationWindowSeconds: r.stabilizationWindowSeconds / factor,
    policies: r.policies.map((p) => ({ ...p, periodSeconds: p.periodSeconds / factor })),
  });
  return {
    pollingIntervalSeconds: t.pollingIntervalSeconds / factor,
    cooldownPeriodSeconds: t.cooldownPeriodSeconds / factor,
    scaleUp: rules(t.scaleUp),
    scaleDown: rules(t.scaleDown),
  };
}

export class Autoscaler {
  private current: number;
  private lastActiveMs: number | undefined;
  private readonly recommendations: Stamped[] = [];
  /** Replica changes: + for scale-up events, − for scale-down events. */
  private readonly events: Stamped[] = [];
  private reason: string;

  constructor(
    private readonly s: AutoscalerSettings,
    initialReplicas = s.minReplicas,
  ) {
    if (initialReplicas < 0 || initialReplicas > s.maxReplicas)
      throw new RangeError(`initial replicas ${initialReplicas} outside 0..${s.maxReplicas}`);
    this.current = initialReplicas;
    this.reason = `started at ${initialReplicas} (min ${s.minReplicas})`;
  }

  get replicas(): number {
    return this.current;
  }

  /** One poll: applies KEDA's activation/cooldown and the HPA's algorithm to the readings. */
  step(r: Reading): Decision {
    const previous = this.current;
    const proposal = kedaProposal({
      ...this.s,
      queueLength: r.queued,
      inFlight: r.inFlight,
      currentReplicas: previous > 0 ? previous : undefined,
    });
    const metrics =
      `queued ${r.queued}/${this.s.listLength}` +
      (this.s.inFlightLength !== undefined ? `, in flight ${r.inFlight}/${this.s.inFlightLength}` : '');
    const triggerActive =
      r.queued > this.s.activationListLength ||
      (this.s.inFlightLength !== undefined && r.inFlight > (this.s.activationInFlightLength ?? 0));
    let next = previous;
    let why = '';
    if (triggerActive) this.lastActiveMs = r.atMs;
    // the HPA's step on the larger of the two triggers' proposals
    const byHpa = () =>
      this.hpa(previous, Math.max(proposal.byQueue, proposal.byInFlight ?? 0), r.atMs, metrics, proposal, (w) => {
        why = w;
      });
    if (previous === 0) {
      // The HPA does not run at 0 replicas; KEDA alone wakes the target.
      if (proposal.active) {
        next = Math.max(1, this.s.minReplicas);
        why = `activated: ${metrics} above activation`;
      }
    } else if (!proposal.active && this.s.minReplicas === 0) {
      const cooled =
        this.lastActiveMs === undefined || this.lastActiveMs + this.s.cooldownPeriodSeconds * 1000 < r.atMs;
      if (cooled) {
        next = 0;
        why = `cooldown ${this.s.cooldownPeriodSeconds} s elapsed with no trigger active`;
        this.recommendations.length = 0; // KEDA hands over to a fresh HPA state after 0
      } else {
        next = byHpa();
      }
    } else {
      next = byHpa();
    }
    if (next !== previous) {
      this.events.push({ atMs: r.atMs, value: next - previous });
      this.current = next;
      this.reason = `${previous}→${next}: ${why}`;
    }
    this.forget(r.atMs);
    return { replicas: next, previous, proposal, reason: this.reason, changed: next !== previous };
  }

  private hpa(
    current: number,
    raw: number,
    now: number,
    metrics: string,
    p: KedaProposal,
    explain: (w: string) => void,
  ): number {
    const { scaleUp, scaleDown, minReplicas, maxReplicas } = this.s;
    this.recommendations.push({ atMs: now, value: raw });
    const upCut = now - scaleUp.stabilizationWindowSeconds * 1000;
    const downCut = now - scaleDown.stabilizationWindowSeconds * 1000;
    let up = raw;
    let down = raw;
    for (const rec of this.recommendations) {
      if (rec.atMs >= upCut) up = Math.min(up, rec.value);
      if (rec.atMs >= downCut) down = Math.max(down, rec.value);
    }
    let stabilized = current;
    if (stabilized < up) stabilized = up;
    if (stabilized > down) stabilized = down;
    const by = p.by === 'in-flight' ? 'in-flight trigger' : 'queued trigger';
    const lo = Math.max(1, minReplicas);
    if (stabilized > current) {
      const limit = Math.max(current, this.limit(current, now, scaleUp, +1));
      const allowed = Math.min(maxReplicas, limit);
      const next = Math.min(stabilized, allowed);
      explain(
        `${by} (${metrics}) wants ${raw}` +
          (next < stabilized
            ? allowed < maxReplicas
              ? ', limited by the scale-up policy'
              : `, capped at max ${maxReplicas}`
            : ''),
      );
      return Math.max(lo, next);
    }
    if (stabilized < current) {
      const limit = Math.min(current, this.limit(current, now, scaleDown, -1));
      const allowed = Math.max(lo, limit);
      const next = Math.max(stabilized, allowed);
      explain(
        `${metrics} wants ${raw}` +
          (stabilized < raw || raw < current
            ? `; highest in the ${scaleDown.stabilizationWindowSeconds} s window ${stabilized}`
            : '') +
          (next > stabilized ? (allowed > lo ? ', limited by the scale-down policy' : `, floor min ${lo}`) : ''),
      );
      return next;
    }
    if (raw !== current) explain(`${metrics} wants ${raw}, held by the stabilization window`);
    return Math.min(maxReplicas, Math.max(lo, current));
  }

  /** calculateScaleUpLimitWithScalingRules / calculateScaleDownLimitWithBehaviors. */
  private limit(current: number, now: number, rules: HpaScalingRules, dir: 1 | -1): number {
    if (rules.selectPolicy === 'Disabled' || rules.policies.length === 0) return current;
    const proposals = rules.policies.map((p) => {
      const since = now - p.periodSeconds * 1000;
      let added = 0;
      let deleted = 0;
      for (const e of this.events)
        if (e.atMs > since) {
          if (e.value > 0) added += e.value;
          else deleted -= e.value;
        }
      const start = current - added + deleted;
      if (p.type === 'Pods') return start + dir * p.value;
      return dir > 0 ? Math.ceil(start * (1 + p.value / 100)) : Math.floor(start * (1 - p.value / 100));
    });
    // Max = the policy allowing the largest change; Min = the smallest
    const largestChange = dir > 0 ? Math.max(...proposals) : Math.min(...proposals);
    const smallestChange = dir > 0 ? Math.min(...proposals) : Math.max(...proposals);
    return rules.selectPolicy === 'Min' ? smallestChange : largestChange;
  }

  private forget(now: number): void {
    const keep =
      1000 * Math.max(this.s.scaleUp.stabilizationWindowSeconds, this.s.scaleDown.stabilizationWindowSeconds, 0);
    while (this.recommendations.length > 0 && this.recommendations[0]!.atMs < now - keep - 1)
      this.recommendations.shift();
    const longest =
      1000 *
      Math.max(
        0,
        ...this.s.scaleUp.policies.map((p) => p.periodSeconds),
        ...this.s.scaleDown.policies.map((p) => p.periodSeconds),
      );
    while (this.events.length > 0 && this.events[0]!.atMs <= now - longest) this.events.shift();
  }
}
