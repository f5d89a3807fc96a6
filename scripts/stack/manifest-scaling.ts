// How the shipped manifests scale (KEDA ScaledObject / Knative autoscaler-keda override): read by
// the local stack's autoscaler (replica-settings.ts), the benchmarks and the manifest tests; never by
// a function at run time (moved out of functions/shared/src/scaling.ts, which keeps the arithmetic).
import { KEDA_DEFAULTS, type KedaScalingSettings } from '../../functions/shared/src/scaling';

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
