import type { Sizing } from './derive';

/** The fields of a parsed manifest this file reads (YAML is untyped; the round-trip test checks the result). */
interface EnvVar {
  name: string;
  value?: string;
}
interface Trigger {
  type?: string;
  metadata?: { listName?: string; listLength?: string };
}
interface ScaledSpec {
  minReplicaCount?: number;
  maxReplicaCount?: number;
  triggers?: Trigger[];
}
interface Doc {
  kind?: string;
  apiVersion?: string;
  metadata?: { name?: string };
  spec?: ScaledSpec & {
    template?: { metadata?: { annotations?: Record<string, string> }; spec?: { containers?: { env?: EnvVar[] }[] } };
  };
}

/** One JSON 6902 operation (what kustomize's inline `patches` take). */
export interface PatchOp {
  readonly op: 'add' | 'replace';
  readonly path: string;
  readonly value: unknown;
}

/** One kustomize patch: a target and its operations. */
export interface TargetedPatch {
  readonly target: { group?: string; version: string; kind: string; name: string };
  readonly ops: readonly PatchOp[];
}

export type SizedOverlay = 'autoscaler-keda' | 'plain-keda';

const OVERRIDE = 'autoscaling.knative.dev/scaled-object-override';
const pointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const QUEUED_LIST = 'safety:clips';
const CLAIMED_LIST = 'safety:clips:claimed';

function find(docs: readonly object[], kind: string, name: string, apiPrefix: string): Doc {
  const d = (docs as Doc[]).find(
    (x) => x.kind === kind && x.metadata?.name === name && String(x.apiVersion).startsWith(apiPrefix),
  );
  if (!d) throw new Error(`the overlay has no ${kind} ${name}`);
  return d;
}

const envOf = (doc: Doc): EnvVar[] => doc.spec?.template?.spec?.containers?.[0]?.env ?? [];

/** Replaces the value of env var `name` in container 0 of a workload (JSON 6902 needs the index). */
function envOp(doc: Doc, name: string, value: string): PatchOp {
  const i = envOf(doc).findIndex((e) => e.name === name);
  if (i < 0) throw new Error(`${doc.kind} ${doc.metadata?.name} has no env ${name}`);
  return { op: 'replace', path: `/spec/template/spec/containers/0/env/${i}/value`, value };
}

/** The two redis triggers' listLength and the replica bounds, set in a ScaledObject spec (a copy). */
function sizedSpec(spec: ScaledSpec, s: Sizing, minReplicas: number): ScaledSpec {
  const out = structuredClone(spec);
  out.minReplicaCount = minReplicas;
  out.maxReplicaCount = s.maxReplicas;
  for (const t of out.triggers ?? []) {
    if (t.metadata?.listName === QUEUED_LIST) t.metadata.listLength = String(s.listLength);
    if (t.metadata?.listName === CLAIMED_LIST) t.metadata.listLength = String(s.inFlightLength);
  }
  return out;
}

/**
 * The patches that put `s` into an overlay whose resolved documents are `docs`: the inference
 * scaler (the Knative Service's scaled-object override and max-scale, or the ScaledObject), the
 * inference container's INFERENCE_LATENCY_BUDGET_MS, and the alerts dashboard's KEDA_* settings
 * (test/deploy/scaling.test.ts fails when they differ from the scaler).
 */
export function sizingPatches(overlay: SizedOverlay, docs: readonly object[], s: Sizing): TargetedPatch[] {
  const budget = String(s.latencyBudgetMs);
  const patches: TargetedPatch[] = [];
  let minReplicas: number;
  if (overlay === 'autoscaler-keda') {
    const svc = find(docs, 'Service', 'inference', 'serving.knative.dev/');
    const ann = svc.spec?.template?.metadata?.annotations ?? {};
    if (ann[OVERRIDE] === undefined) throw new Error('the inference Service has no scaled-object override');
    const override = JSON.parse(ann[OVERRIDE]) as { spec: ScaledSpec };
    minReplicas = Math.max(1, s.minReplicas); // the extension cannot scale from zero
    const spec = sizedSpec(override.spec, s, minReplicas);
    const annPath = (k: string) => `/spec/template/metadata/annotations/${pointer(k)}`;
    patches.push({
      target: { group: 'serving.knative.dev', version: 'v1', kind: 'Service', name: 'inference' },
      ops: [
        { op: 'replace', path: annPath(OVERRIDE), value: JSON.stringify({ ...override, spec }) },
        { op: 'replace', path: annPath('autoscaling.knative.dev/max-scale'), value: String(s.maxReplicas) },
        { op: 'replace', path: annPath('autoscaling.knative.dev/min-scale'), value: String(minReplicas) },
        envOp(svc, 'INFERENCE_LATENCY_BUDGET_MS', budget),
      ],
    });
  } else {
    const so = find(docs, 'ScaledObject', 'inference', 'keda.sh/');
    minReplicas = so.spec?.minReplicaCount ?? 0; // plain KEDA keeps its scale-to-zero minimum
    const spec = sizedSpec(so.spec ?? {}, s, minReplicas);
    const ops: PatchOp[] = [{ op: 'replace', path: '/spec/maxReplicaCount', value: s.maxReplicas }];
    (spec.triggers ?? []).forEach((t, i) =>
      ops.push({ op: 'replace', path: `/spec/triggers/${i}/metadata/listLength`, value: t.metadata?.listLength }),
    );
    patches.push({ target: { group: 'keda.sh', version: 'v1alpha1', kind: 'ScaledObject', name: 'inference' }, ops });
    const deploy = find(docs, 'Deployment', 'inference', 'apps/');
    patches.push({
      target: { group: 'apps', version: 'v1', kind: 'Deployment', name: 'inference' },
      ops: [envOp(deploy, 'INFERENCE_LATENCY_BUDGET_MS', budget)],
    });
  }
  const alerts = find(docs, 'Service', 'alerts', 'serving.knative.dev/');
  const alertsEnv = (name: string, value: number): PatchOp => {
    const has = envOf(alerts).some((e) => e.name === name);
    return has
      ? envOp(alerts, name, String(value))
      : { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name, value: String(value) } };
  };
  patches.push({
    target: { group: 'serving.knative.dev', version: 'v1', kind: 'Service', name: 'alerts' },
    ops: [
      alertsEnv('KEDA_LIST_LENGTH', s.listLength),
      alertsEnv('KEDA_IN_FLIGHT_LENGTH', s.inFlightLength),
      alertsEnv('KEDA_MAX_REPLICAS', s.maxReplicas),
      alertsEnv('KEDA_MIN_REPLICAS', minReplicas),
    ],
  });
  return patches;
}
