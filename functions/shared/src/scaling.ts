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

/** A parsed YAML/JSON manifest document, loosely typed. */
export type ManifestDoc = Record<string, unknown>;
type Doc = ManifestDoc;

const asRecord = (v: unknown): Doc | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : undefined;

function toNumber(v: unknown, field: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new TypeError(`${field} is not a number: ${JSON.stringify(v)}`);
  return n;
}

/** What autoscaler-keda puts in `maxReplicaCount` when the revision has no max-scale. */
export const UNBOUNDED_MAX_REPLICAS = 2147483647;

/**
 * The ScaledObject spec a manifest scales with: a `keda.sh` ScaledObject as is, or what Knative's
 * autoscaler-keda builds from a Service's `autoscaling.knative.dev/scaled-object-override`
 * annotation. Like the extension (`DesiredScaledObject`, keda.go), the override's
 * `maxReplicaCount` is replaced by `max-scale` (MaxInt32 when unset), while `min-scale` is NOT
 * copied: the minimum comes from the JSON alone (KEDA's default 0 if absent).
 * @throws TypeError when the document is neither.
 */
export function scaledObjectSpecOf(doc: Doc): Doc {
  if (doc.kind === 'ScaledObject') return asRecord(doc.spec) ?? {};
  const template = asRecord(asRecord(doc.spec)?.template);
  const annotations = asRecord(asRecord(template?.metadata)?.annotations) ?? {};
  const override = annotations['autoscaling.knative.dev/scaled-object-override'];
  if (doc.kind !== 'Service' || typeof override !== 'string') {
    throw new TypeError(`${String(doc.kind)} ${String(asRecord(doc.metadata)?.name)} has no ScaledObject settings`);
  }
  const spec = { ...(asRecord(asRecord(JSON.parse(override) as unknown)?.spec) ?? {}) };
  const maxScale = annotations['autoscaling.knative.dev/max-scale'] ?? annotations['autoscaling.knative.dev/maxScale'];
  spec.maxReplicaCount = maxScale === undefined || Number(maxScale) === 0 ? UNBOUNDED_MAX_REPLICAS : Number(maxScale);
  return spec;
}

/** The scaling settings of a manifest, with the Redis keys its two triggers count. */
export interface ManifestScalingSettings extends KedaScalingSettings {
  /** `listName` of the first redis trigger (queued). */
  readonly listName: string;
  /** `listName` of the second redis trigger (in flight), if any. */
  readonly inFlightListName?: string | undefined;
}

/**
 * Reads the scaling settings out of a parsed manifest (ScaledObject or Knative Service with a
 * scaled-object override), with KEDA's defaults for what is not set: the first `redis` trigger
 * is the queued one, a second `redis` trigger the in-flight one.
 * @throws TypeError when there is no redis trigger or a number does not parse.
 */
export function scalingSettingsFromManifest(doc: Doc): ManifestScalingSettings {
  const spec = scaledObjectSpecOf(doc);
  const triggers = Array.isArray(spec.triggers) ? spec.triggers : [];
  const redis = triggers.map(asRecord).filter((t) => t?.type === 'redis');
  const meta = asRecord(redis[0]?.metadata);
  if (!meta || typeof meta.listName !== 'string') throw new TypeError('no redis trigger with a listName');
  const second = asRecord(redis[1]?.metadata);
  if (second && typeof second.listName !== 'string') throw new TypeError('the second redis trigger has no listName');
  return {
    listName: meta.listName,
    listLength: toNumber(meta.listLength, 'listLength', KEDA_DEFAULTS.listLength),
    activationListLength: toNumber(
      meta.activationListLength,
      'activationListLength',
      KEDA_DEFAULTS.activationListLength,
    ),
    minReplicas: toNumber(spec.minReplicaCount, 'minReplicaCount', KEDA_DEFAULTS.minReplicas),
    maxReplicas: toNumber(spec.maxReplicaCount, 'maxReplicaCount', KEDA_DEFAULTS.maxReplicas),
    ...(second
      ? {
          inFlightListName: second.listName as string,
          inFlightLength: toNumber(second.listLength, 'in-flight listLength', KEDA_DEFAULTS.listLength),
          activationInFlightLength: toNumber(
            second.activationListLength,
            'in-flight activationListLength',
            KEDA_DEFAULTS.activationListLength,
          ),
        }
      : {}),
  };
}

/** One HPA scaling policy (`behavior.scaleUp/scaleDown.policies[]`). */
export interface HpaPolicy {
  readonly type: 'Pods' | 'Percent';
  readonly value: number;
  readonly periodSeconds: number;
}

/** One direction of the HPA `behavior` (autoscaling/v2 HPAScalingRules). */
export interface HpaScalingRules {
  readonly stabilizationWindowSeconds: number;
  readonly selectPolicy: 'Max' | 'Min' | 'Disabled';
  readonly policies: readonly HpaPolicy[];
}

/** The time-dependent part of a ScaledObject: KEDA's polling/cooldown and the HPA behaviour. */
export interface KedaTiming {
  /** `pollingInterval` (KEDA default 30 s). */
  readonly pollingIntervalSeconds: number;
  /** `cooldownPeriod` (KEDA default 300 s): last active → scale to 0 (only when min is 0). */
  readonly cooldownPeriodSeconds: number;
  readonly scaleUp: HpaScalingRules;
  readonly scaleDown: HpaScalingRules;
}

/**
 * Defaults when a ScaledObject sets nothing: KEDA's pollingInterval 30 / cooldownPeriod 300
 * (https://keda.sh/docs/2.21/reference/scaledobject-spec/), and the HPA's default behaviour
 * (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#default-behavior):
 * up: no window, max(100 %, 4 pods) per 15 s; down: 300 s window, 100 % per 15 s.
 */
export const KEDA_TIMING_DEFAULTS: KedaTiming = {
  pollingIntervalSeconds: 30,
  cooldownPeriodSeconds: 300,
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 100, periodSeconds: 15 },
      { type: 'Pods', value: 4, periodSeconds: 15 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  },
};

function rulesOf(v: unknown, fallback: HpaScalingRules, field: string): HpaScalingRules {
  const r = asRecord(v);
  if (!r) return fallback;
  const policies = Array.isArray(r.policies)
    ? r.policies.map((p, i): HpaPolicy => {
        const q = asRecord(p) ?? {};
        if (q.type !== 'Pods' && q.type !== 'Percent')
          throw new TypeError(`${field}.policies[${i}].type must be Pods or Percent`);
        return {
          type: q.type,
          value: toNumber(q.value, `${field}.policies[${i}].value`, NaN),
          periodSeconds: toNumber(q.periodSeconds, `${field}.policies[${i}].periodSeconds`, NaN),
        };
      })
    : fallback.policies;
  const select = r.selectPolicy ?? 'Max';
  if (select !== 'Max' && select !== 'Min' && select !== 'Disabled')
    throw new TypeError(`${field}.selectPolicy must be Max, Min or Disabled`);
  return {
    stabilizationWindowSeconds: toNumber(
      r.stabilizationWindowSeconds,
      `${field}.stabilizationWindowSeconds`,
      fallback.stabilizationWindowSeconds,
    ),
    selectPolicy: select,
    policies,
  };
}

/**
 * Reads pollingInterval, cooldownPeriod and the HPA behaviour of a manifest's ScaledObject
 * settings, with KEDA's and the HPA's defaults for what is not set.
 * @throws TypeError when a number or policy type does not parse.
 */
export function kedaTimingFromManifest(doc: Doc): KedaTiming {
  const spec = scaledObjectSpecOf(doc);
  const behavior = asRecord(asRecord(asRecord(spec.advanced)?.horizontalPodAutoscalerConfig)?.behavior) ?? {};
  return {
    pollingIntervalSeconds: toNumber(
      spec.pollingInterval,
      'pollingInterval',
      KEDA_TIMING_DEFAULTS.pollingIntervalSeconds,
    ),
    cooldownPeriodSeconds: toNumber(spec.cooldownPeriod, 'cooldownPeriod', KEDA_TIMING_DEFAULTS.cooldownPeriodSeconds),
    scaleUp: rulesOf(behavior.scaleUp, KEDA_TIMING_DEFAULTS.scaleUp, 'scaleUp'),
    scaleDown: rulesOf(behavior.scaleDown, KEDA_TIMING_DEFAULTS.scaleDown, 'scaleDown'),
  };
}
