/**
 * KEDA's replica arithmetic for a Redis-list trigger, as a pure function, so the dashboard's
 * "replicas KEDA would choose" counter and the manifest tests use the same formula.
 *
 * Two phases (https://keda.sh/docs/2.21/concepts/scaling-deployments/#activating-and-scaling-thresholds):
 * - activation (0 ↔ 1, decided by the KEDA operator): the trigger is active when
 *   `queueLength > activationListLength` (strictly greater). With `minReplicaCount >= 1` the
 *   scaler is always active and the activation value is ignored.
 * - scaling (1 ↔ N, decided by the HPA on KEDA's external metric, `AverageValue` target):
 *   `ceil(queueLength / listLength)` clamped to `[max(1, min), max]`. The HPA keeps the current
 *   replica count while `queueLength / (listLength × current)` is within its 10 % tolerance
 *   (`GetExternalPerPodMetricReplicas`, kubernetes/pkg/controller/podautoscaler/replica_calculator.go).
 *
 * Not modelled: polling delay, `cooldownPeriod` before 1 → 0, and the HPA `behavior`
 * (stabilisation window and rate policies) — this is the steady-state target, not the path to it.
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
}

/** Input of {@link kedaDesiredReplicas}. */
export interface KedaReplicaInput extends KedaScalingSettings {
  /** `LLEN` of the list (KEDA counts queued items only, not the ones being processed). */
  readonly queueLength: number;
  /** Replicas running now; when given, the HPA's ±10 % tolerance band applies. */
  readonly currentReplicas?: number;
}

/** The HPA controller's default `--horizontal-pod-autoscaler-tolerance`. */
export const HPA_TOLERANCE = 0.1;

/** KEDA defaults (scaledobject-spec and redis-lists scaler docs). */
export const KEDA_DEFAULTS: KedaScalingSettings = { listLength: 5, activationListLength: 0, minReplicas: 0, maxReplicas: 100 };

const clamp = (n: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, n));

/**
 * Replicas KEDA + HPA converge to for a given queue length.
 * @example kedaDesiredReplicas({ queueLength: 20, listLength: 5, activationListLength: 0, minReplicas: 0, maxReplicas: 10 }) // 4
 * @throws RangeError on a non-integer/negative length, `listLength < 1` or `min > max`.
 */
export function kedaDesiredReplicas(input: KedaReplicaInput): number {
  const { queueLength, listLength, activationListLength, minReplicas, maxReplicas, currentReplicas } = input;
  if (!Number.isInteger(queueLength) || queueLength < 0) throw new RangeError(`queueLength must be an integer ≥ 0, got ${queueLength}`);
  if (!(listLength > 0)) throw new RangeError(`listLength must be > 0, got ${listLength}`);
  if (minReplicas < 0 || maxReplicas < 1 || minReplicas > maxReplicas) {
    throw new RangeError(`need 0 ≤ minReplicas ≤ maxReplicas and maxReplicas ≥ 1, got ${minReplicas}..${maxReplicas}`);
  }
  const active = minReplicas >= 1 || queueLength > activationListLength;
  if (!active) return 0;
  const floor = Math.max(1, minReplicas);
  if (currentReplicas !== undefined && currentReplicas > 0) {
    const ratio = queueLength / (listLength * currentReplicas);
    if (Math.abs(1 - ratio) <= HPA_TOLERANCE) return clamp(currentReplicas, floor, maxReplicas);
  }
  return clamp(Math.ceil(queueLength / listLength), floor, maxReplicas);
}

/** A parsed YAML/JSON manifest document, loosely typed. */
export type ManifestDoc = Record<string, unknown>;
type Doc = ManifestDoc;

const asRecord = (v: unknown): Doc | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : undefined);

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

/**
 * Reads the scaling settings of the first `redis` trigger out of a parsed manifest
 * (ScaledObject or Knative Service with a scaled-object override), with KEDA's defaults
 * for what is not set.
 * @throws TypeError when there is no redis trigger or a number does not parse.
 */
export function scalingSettingsFromManifest(doc: Doc): KedaScalingSettings & { readonly listName: string } {
  const spec = scaledObjectSpecOf(doc);
  const triggers = Array.isArray(spec.triggers) ? spec.triggers : [];
  const redis = triggers.map(asRecord).find((t) => t?.type === 'redis');
  const meta = asRecord(redis?.metadata);
  if (!meta || typeof meta.listName !== 'string') throw new TypeError('no redis trigger with a listName');
  return {
    listName: meta.listName,
    listLength: toNumber(meta.listLength, 'listLength', KEDA_DEFAULTS.listLength),
    activationListLength: toNumber(meta.activationListLength, 'activationListLength', KEDA_DEFAULTS.activationListLength),
    minReplicas: toNumber(spec.minReplicaCount, 'minReplicaCount', KEDA_DEFAULTS.minReplicas),
    maxReplicas: toNumber(spec.maxReplicaCount, 'maxReplicaCount', KEDA_DEFAULTS.maxReplicas),
  };
}
