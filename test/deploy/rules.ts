/**
 * Checks that no schema can express (only a cluster's admission webhooks would catch them).
 * Each returns a list of violations (empty = fine), so tests can show they fail on a
 * broken manifest as well as pass on ours.
 */
import { allEnvVars } from '../../functions/shared/src/config';
import { containersOf, id, isKnativeService, isOurImage, podAnnotations, podSpecOf, type Doc } from './manifests';

/** Knative config-features keys, by what in a revision's pod spec needs them. */
export const FEATURE = {
  multiContainer: 'multi-container',
  multiContainerProbing: 'multi-container-probing',
  pvc: 'kubernetes.podspec-persistent-volume-claim',
  pvcWrite: 'kubernetes.podspec-persistent-volume-write',
  emptyDir: 'kubernetes.podspec-volumes-emptydir',
  nodeSelector: 'kubernetes.podspec-nodeselector',
  tolerations: 'kubernetes.podspec-tolerations',
  affinity: 'kubernetes.podspec-affinity',
  initContainers: 'kubernetes.podspec-init-containers',
  securityContext: 'kubernetes.podspec-securitycontext',
  fieldRef: 'kubernetes.podspec-fieldref',
  runtimeClassName: 'kubernetes.podspec-runtimeclassname',
  hostAliases: 'kubernetes.podspec-hostaliases',
  topologySpread: 'kubernetes.podspec-topologyspreadconstraints',
  priorityClassName: 'kubernetes.podspec-priorityclassname',
  schedulerName: 'kubernetes.podspec-schedulername',
  dnsPolicy: 'kubernetes.podspec-dnspolicy',
  dnsConfig: 'kubernetes.podspec-dnsconfig',
  shareProcessNamespace: 'kubernetes.podspec-shareprocessnamespace',
  hostPath: 'kubernetes.podspec-hostpath',
} as const;

/** Feature flags a Knative Service's revision template needs. */
export function featuresUsed(ksvc: Doc): Set<string> {
  const pod = podSpecOf(ksvc) ?? {};
  const used = new Set<string>();
  const containers: Doc[] = pod.containers ?? [];
  const volumes: Doc[] = pod.volumes ?? [];
  const pvcVolumes = new Set(volumes.filter((v) => v.persistentVolumeClaim).map((v) => v.name));
  if (containers.length > 1) used.add(FEATURE.multiContainer);
  const probes = ['readinessProbe', 'livenessProbe', 'startupProbe'];
  if (containers.some((c) => !(c.ports?.length > 0) && probes.some((p) => c[p])))
    used.add(FEATURE.multiContainerProbing);
  if (pvcVolumes.size > 0) used.add(FEATURE.pvc);
  const writes = containersOf(pod).some((c) =>
    (c.volumeMounts ?? []).some((m: Doc) => pvcVolumes.has(m.name) && m.readOnly !== true),
  );
  if (writes) used.add(FEATURE.pvcWrite);
  if (volumes.some((v) => v.emptyDir)) used.add(FEATURE.emptyDir);
  if (volumes.some((v) => v.hostPath)) used.add(FEATURE.hostPath);
  if (pod.nodeSelector) used.add(FEATURE.nodeSelector);
  if (pod.tolerations) used.add(FEATURE.tolerations);
  if (pod.affinity) used.add(FEATURE.affinity);
  if (pod.initContainers?.length) used.add(FEATURE.initContainers);
  if (pod.securityContext) used.add(FEATURE.securityContext);
  if (pod.runtimeClassName) used.add(FEATURE.runtimeClassName);
  if (pod.hostAliases) used.add(FEATURE.hostAliases);
  if (pod.topologySpreadConstraints) used.add(FEATURE.topologySpread);
  if (pod.priorityClassName) used.add(FEATURE.priorityClassName);
  if (pod.schedulerName) used.add(FEATURE.schedulerName);
  if (pod.dnsPolicy) used.add(FEATURE.dnsPolicy);
  if (pod.dnsConfig) used.add(FEATURE.dnsConfig);
  if (pod.shareProcessNamespace !== undefined) used.add(FEATURE.shareProcessNamespace);
  if (
    containersOf(pod).some((c) =>
      (c.env ?? []).some((e: Doc) => e.valueFrom?.fieldRef || e.valueFrom?.resourceFieldRef),
    )
  )
    used.add(FEATURE.fieldRef);
  return used;
}

/** Knative rule: exactly one container (the serving one) declares ports. */
export function portViolations(ksvc: Doc): string[] {
  const containers: Doc[] = podSpecOf(ksvc)?.containers ?? [];
  const withPorts = containers.filter((c) => (c.ports ?? []).length > 0);
  const out: string[] = [];
  if (withPorts.length !== 1)
    out.push(`${id(ksvc)}: ${withPorts.length} containers declare ports, Knative needs exactly 1`);
  for (const c of withPorts)
    if (c.ports.length !== 1) out.push(`${id(ksvc)}/${c.name}: Knative allows one port, found ${c.ports.length}`);
  return out;
}

/** Ports a container listens on: declared containerPorts and `--port N` in its command line. */
export function listenPorts(c: Doc): Set<number> {
  const ports = new Set<number>((c.ports ?? []).map((p: Doc) => p.containerPort));
  const argv = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
  for (const m of argv.matchAll(/--port[ =](\d+)/g)) ports.add(Number(m[1]));
  return ports;
}

/**
 * Every httpGet/tcpSocket/grpc probe names a port the container listens on. In a Knative
 * Service the serving container may leave the port out (Knative fills it in); a sidecar must
 * name it (multi-container-probing), and named ports must exist.
 */
export function probePortViolations(doc: Doc): string[] {
  const pod = podSpecOf(doc) ?? {};
  const out: string[] = [];
  for (const c of containersOf(pod)) {
    const ports = listenPorts(c);
    const names = new Set((c.ports ?? []).map((p: Doc) => p.name));
    for (const kind of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      const probe: Doc | undefined = c[kind];
      if (!probe) continue;
      const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
      const where = `${id(doc)}/${c.name} ${kind}`;
      if (probe.exec) continue;
      if (port === undefined) {
        if (!(isKnativeService(doc) && (c.ports ?? []).length > 0)) out.push(`${where}: no port`);
      } else if (typeof port === 'string' ? !names.has(port) : !ports.has(port)) {
        out.push(`${where}: port ${port} is not one the container listens on (${[...ports].join(', ') || 'none'})`);
      }
    }
  }
  return out;
}

/** Names Kubernetes, Knative or Eventing inject; a manifest must not set them itself. */
export const INJECTED_ENV = ['K_SINK', 'K_CE_OVERRIDES', 'PORT', 'K_SERVICE', 'K_CONFIGURATION', 'K_REVISION'] as const;

/**
 * Env vars of third-party containers, by image prefix (their own settings, not ours; listed so
 * a typo there is caught too).
 */
export const THIRD_PARTY_ENV: Record<string, readonly string[]> = {
  'vllm/vllm-openai': ['HOME', 'HF_HOME', 'VLLM_CACHE_ROOT', 'OMP_NUM_THREADS', 'HF_TOKEN'],
  'redis:': ['REDIS_PASSWORD'],
  // the official image's entrypoint (docker-library/docs postgres/README.md "Environment Variables")
  'postgres:': ['POSTGRES_USER', 'POSTGRES_DB', 'POSTGRES_PASSWORD', 'PGDATA'],
  'bluenviron/mediamtx': [],
  'gcr.io/knative-releases/': [],
};

/** Env names a container may set: ours → declared by the config parser; others → listed above. */
export function envViolations(doc: Doc): string[] {
  const declared = new Set(allEnvVars().map((v) => v.name));
  const out: string[] = [];
  for (const c of containersOf(podSpecOf(doc) ?? {})) {
    const third = Object.entries(THIRD_PARTY_ENV).find(([prefix]) => String(c.image).startsWith(prefix));
    const allowed = isOurImage(String(c.image)) ? declared : third ? new Set(third[1]) : undefined;
    if (!allowed) {
      out.push(`${id(doc)}/${c.name}: image ${c.image} is neither ours nor a listed third-party image`);
      continue;
    }
    for (const e of (c.env ?? []) as Doc[]) {
      if ((INJECTED_ENV as readonly string[]).includes(e.name))
        out.push(`${id(doc)}/${c.name}: ${e.name} is injected, do not set it`);
      else if (!allowed.has(e.name))
        out.push(`${id(doc)}/${c.name}: env ${e.name} is not declared for image ${c.image}`);
    }
  }
  return out;
}

const SECRET_NAME = /PASSWORD|TOKEN|SECRET|(^|_)KEY($|_)|API_KEY|CREDENTIAL/i;
const URL_WITH_PASSWORD = /\/\/[^/\s@:]*:[^/\s@]+@/;

/** No secret value inline: secret-looking env names only via valueFrom; no credentials in URLs. */
export function inlineSecretViolations(doc: Doc): string[] {
  const out: string[] = [];
  if (doc.kind === 'Secret' && (doc.data || doc.stringData))
    out.push(`${id(doc)}: a Secret with data in the manifests`);
  for (const c of containersOf(podSpecOf(doc) ?? {})) {
    for (const e of (c.env ?? []) as Doc[]) {
      if (e.value !== undefined && SECRET_NAME.test(e.name))
        out.push(`${id(doc)}/${c.name}: ${e.name} has an inline value`);
      if (typeof e.value === 'string' && URL_WITH_PASSWORD.test(e.value))
        out.push(`${id(doc)}/${c.name}: ${e.name} has credentials in a URL`);
    }
    const argv = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
    if (URL_WITH_PASSWORD.test(argv) || /requirepass\s+(?!\$)\S/.test(argv))
      out.push(`${id(doc)}/${c.name}: credentials on the command line`);
  }
  if (doc.kind === 'ScaledObject' || doc.kind === 'TriggerAuthentication') {
    const text = JSON.stringify(doc.spec);
    if (/"password"\s*:/.test(text) && doc.kind === 'ScaledObject')
      out.push(`${id(doc)}: password in trigger metadata`);
  }
  for (const v of Object.values(podAnnotations(doc))) {
    if (URL_WITH_PASSWORD.test(v) || /"password"\s*:/.test(v)) out.push(`${id(doc)}: credentials in an annotation`);
  }
  return out;
}

/** Non-root, no privilege escalation, read-only root FS (except the listed containers). */
export function securityViolations(doc: Doc, writableRootAllowed: ReadonlySet<string>): string[] {
  const pod = podSpecOf(doc) ?? {};
  const psc: Doc = pod.securityContext ?? {};
  const out: string[] = [];
  for (const c of containersOf(pod)) {
    const sc: Doc = c.securityContext ?? {};
    const where = `${id(doc)}/${c.name}`;
    const nonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
    const uid = sc.runAsUser ?? psc.runAsUser;
    if (nonRoot !== true) out.push(`${where}: runAsNonRoot is not true`);
    if (uid === 0) out.push(`${where}: runAsUser 0`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation is not false`);
    if (sc.privileged === true) out.push(`${where}: privileged`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${where}: capabilities not dropped`);
    if (sc.readOnlyRootFilesystem !== true && !writableRootAllowed.has(c.name))
      out.push(`${where}: root filesystem is writable`);
  }
  return out;
}

/** Every mount of `volume` in the workload is read-only, and a PVC source is read-only too. */
export function readOnlyVolumeViolations(doc: Doc, volume: string): string[] {
  const pod = podSpecOf(doc) ?? {};
  const out: string[] = [];
  const v: Doc | undefined = (pod.volumes ?? []).find((x: Doc) => x.name === volume);
  if (!v) return [`${id(doc)}: no volume ${volume}`];
  if (v.persistentVolumeClaim && v.persistentVolumeClaim.readOnly !== true)
    out.push(`${id(doc)}: PVC ${volume} not readOnly`);
  for (const c of containersOf(pod)) {
    for (const m of (c.volumeMounts ?? []) as Doc[])
      if (m.name === volume && m.readOnly !== true) out.push(`${id(doc)}/${c.name}: ${volume} mounted read-write`);
  }
  return out;
}
