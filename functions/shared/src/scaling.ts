/**
 * KEDA's replica arithmetic for our two Redis triggers, as a pure function, so the dashboard's
 * "replicas KEDA would choose" counter, the local autoscaler (scripts/stack) and the manifest
 * tests use the same formula.
 *
 * Triggers (both KEDA `redis` scalers; kedacore/keda pkg/scalers/redis_scaler.go counts the key
 * with one script: ZCARD for a zset, LLEN for a list, SCARD/HLEN for set/hash):
 * - queued: `LLEN safety:clips`, target `listLength` per replica;
 * - in flight: `ZCARD safety:clips:claimed` (jobs claimed and not yet acked), target
 *   `inFlightLength` per replica (the trigger's own `listLength`). A pod that keeps up holds
 *   the list near 0; this is what tells KEDA it is busy.
 *
 * Two phases (https://keda.sh/docs/2.21/concepts/scaling-deployments/#activating-and-scaling-thresholds):
 * - activation (0 ↔ 1, decided by the KEDA operator): a trigger is active when its count is
 *   strictly above its `activationListLength` (redis_scaler.go GetMetricsAndActivity:
 *   `listLen > ActivationListLength`); the ScaledObject is active when any trigger is
 *   (pkg/scaling/executor/scale_scaledobjects.go). With `minReplicaCount >= 1` it is always active.
 * - scaling (1 ↔ N, decided by the HPA on KEDA's external metrics, `AverageValue` targets):
 *   per metric `ceil(count / target)`, or the current replica count while
 *   `count / (target × current)` is within the 10 % tolerance (`GetExternalPerPodMetricReplicas`,
 *   kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator.go); the HPA then takes
 *   the LARGEST proposal over all metrics (`computeReplicasForMetrics`, horizontal.go; docs:
 *   https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details
 *   "the HorizontalPodAutoscaler will calculate proposed replica counts for each metric, and
 *   then choose the one with the highest recommendation"), clamped to `[max(1, min), max]`.
 *
 * Not modelled here: polling delay, `cooldownPeriod` before 1 → 0 and the HPA `behavior`
 * (stabilisation window, rate policies) — this is the steady-state target. The path to it is
 * scripts/stack/autoscale.ts (the local KEDA + HPA equivalent).
 */

/** The ScaledObject numbers that decide the replica count. */
export interface KedaScalingSettings {
  /** Trigger `listLength`: target queued items per replica. */
  readonly listLength: number;
  /** Trigger `activationListLength` (KEDA default 0): active when the length is strictly above it. */
  readonly activationListLength: number;
  /** `minReplicaCount` (KEDA default 0). */
  readonly minReplicas: number;
  /** `maxReplicaCount` (KEDA default 100). */
  readonly maxReplicas: number;
  /** In-flight trigger `listLength`: target claimed jobs per replica; undefined = no such trigger. */
  readonly inFlightLength?: number | undefined;
  /** In-flight trigger `activationListLength` (KEDA default 0). */
  readonly activationInFlightLength?: number | undefined;
}

/** Input of {@link kedaDesiredReplicas}. */
export interface KedaReplicaInput extends KedaScalingSettings {
  /** `LLEN` of the list (queued clips only, not the ones being processed). */
  readonly queueLength: number;
  /** `ZCARD` of the claimed set (claimed, not yet acked); ignored without `inFlightLength`. */
  readonly inFlight?: number | undefined;
  /** Replicas running now; when given, the HPA's ±10 % tolerance band applies. */
  readonly currentReplicas?: number | undefined;
}

/** The HPA controller's default `--horizontal-pod-autoscaler-tolerance`. */
export const HPA_TOLERANCE = 0.1;

/** KEDA defaults (scaledobject-spec and redis-lists scaler docs). */
export const KEDA_DEFAULTS: KedaScalingSettings = {
  listLength: 5,
  activationListLength: 0,
  minReplicas: 0,
  maxReplicas: 100,
};

const clamp = (n: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, n));

/** What each metric asks for, and the result (for the "why" shown by the dashboard and panel). */
export interface KedaProposal {
  /** Any trigger above its activation threshold (or min ≥ 1). */
  readonly active: boolean;
  /** The queued metric's proposal (before the clamp). */
  readonly byQueue: number;
  /** The in-flight metric's proposal (before the clamp); undefined without that trigger. */
  readonly byInFlight: number | undefined;
  /** max of the proposals, clamped to [max(1, min), max]; 0 when inactive. */
  readonly desired: number;
  /** The metric that decided: 'queued' | 'in-flight' | 'inactive'. */
  readonly by: 'queued' | 'in-flight' | 'inactive';
}

function perMetric(count: number, target: number, current: number | undefined): number {
  if (current !== undefined && current > 0 && Math.abs(1 - count / (target * current)) <= HPA_TOLERANCE) return current;
  return Math.ceil(count / target);
}

function checkCount(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be an integer ≥ 0, got ${n}`);
}

/**
 * Each metric's proposal and the replicas KEDA + HPA converge to.
 * @throws RangeError on a non-integer/negative count, a target < 1 or `min > max`.
 */
export function kedaProposal(input: KedaReplicaInput): KedaProposal {
  const { queueLength, listLength, activationListLength, minReplicas, maxReplicas, currentReplicas, inFlightLength } =
    input;
  checkCount('queueLength', queueLength);
  if (!(listLength > 0)) throw new RangeError(`listLength must be > 0, got ${listLength}`);
  if (inFlightLength !== undefined && !(inFlightLength > 0))
    throw new RangeError(`inFlightLength must be > 0, got ${inFlightLength}`);
  if (minReplicas < 0 || maxReplicas < 1 || minReplicas > maxReplicas) {
    throw new RangeError(`need 0 ≤ minReplicas ≤ maxReplicas and maxReplicas ≥ 1, got ${minReplicas}..${maxReplicas}`);
  }
  const inFlight = inFlightLength === undefined ? undefined : (input.inFlight ?? 0);
  if (inFlight !== undefined) checkCount('inFlight', inFlight);
  const byQueue = perMetric(queueLength, listLength, currentReplicas);
  const byInFlight =
    inFlight === undefined || inFlightLength === undefined
      ? undefined
      : perMetric(inFlight, inFlightLength, currentReplicas);
  const active =
    minReplicas >= 1 ||
    queueLength > activationListLength ||
    (inFlight !== undefined && inFlight > (input.activationInFlightLength ?? 0));
  if (!active) return { active, byQueue, byInFlight, desired: 0, by: 'inactive' };
  const top = Math.max(byQueue, byInFlight ?? 0);
  return {
    active,
    byQueue,
    byInFlight,
    desired: clamp(top, Math.max(1, minReplicas), maxReplicas),
    by: byInFlight !== undefined && byInFlight > byQueue ? 'in-flight' : 'queued',
  };
}

/**
 * Replicas KEDA + HPA converge to for a queue length (and in-flight count, with that trigger).
 * @example kedaDesiredReplicas({ queueLength: 20, listLength: 5, activationListLength: 0, minReplicas: 0, maxReplicas: 10 }) // 4
 * @example kedaDesiredReplicas({ queueLength: 0, inFlight: 12, inFlightLength: 5, listLength: 8, activationListLength: 0, minReplicas: 0, maxReplicas: 8 }) // 3
 * @throws RangeError on a non-integer/negative count, a target < 1 or `min > max`.
 */
export function kedaDesiredReplicas(input: KedaReplicaInput): number {
  return kedaProposal(input).desired;
}
