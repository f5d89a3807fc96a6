/**
 * Offline reading of the deployment manifests (knative/, keda/, infra/): YAML parsing, a
 * small kustomize resolver (resources + JSON 6902 `add`/`replace`/`remove`/`test` patches, which is all the
 * overlays use) and accessors for pod specs and containers. No cluster, no kustomize binary.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const MANIFEST_DIRS = ['knative', 'keda', 'infra'] as const;
export const OVERLAYS = ['autoscaler-keda', 'plain-keda', 'seed-layout', 'smoke-no-gpu'] as const;
export type OverlayName = (typeof OVERLAYS)[number];

export type Doc = Record<string, any>;

export interface ManifestFile {
  /** Path relative to the repository root. */
  readonly file: string;
  readonly docs: Doc[];
  readonly errors: string[];
}

const isYaml = (f: string) => f.endsWith('.yaml') || f.endsWith('.yml');
const isKustomization = (f: string) => path.basename(f) === 'kustomization.yaml';

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

/** Parses every document of one YAML file (empty documents dropped). */
export function parseYamlFile(abs: string): ManifestFile {
  const parsed = parseAllDocuments(fs.readFileSync(abs, 'utf8'));
  const errors = parsed.flatMap((d) => d.errors.map((e) => e.message));
  const docs = parsed.map((d) => d.toJS() as Doc | null).filter((d): d is Doc => d !== null && typeof d === 'object');
  return { file: path.relative(REPO_ROOT, abs), docs, errors };
}

/** Every manifest file (not kustomization.yaml) under knative/, keda/, infra/. */
export function manifestFiles(): ManifestFile[] {
  return MANIFEST_DIRS.flatMap((d) => walk(path.join(REPO_ROOT, d)))
    .filter((f) => isYaml(f) && !isKustomization(f))
    .sort()
    .map(parseYamlFile);
}

/** Every kustomization.yaml under knative/, keda/, infra/ (paths relative to the repo). */
export function kustomizationFiles(): string[] {
  return MANIFEST_DIRS.flatMap((d) => walk(path.join(REPO_ROOT, d)))
    .filter(isKustomization)
    .map((f) => path.relative(REPO_ROOT, f))
    .sort();
}

export interface Resolved {
  readonly docs: Doc[];
  /** Manifest files (repo-relative) the kustomization pulls in, directly or not. */
  readonly files: string[];
}

/** Applies one JSON 6902 operation (`add`, `replace`, `remove`, `test`). */
function applyJsonPatchOp(doc: Doc, op: { op: string; path: string; value?: unknown }): void {
  const parts = op.path
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = parts.pop();
  if (last === undefined) throw new Error(`bad patch path ${op.path}`);
  let node: any = doc;
  for (const p of parts) {
    node = Array.isArray(node) ? node[Number(p)] : node?.[p];
    if (node === undefined) throw new Error(`patch path ${op.path} does not exist`);
  }
  const exists = Array.isArray(node) ? Number(last) < node.length : last in node;
  if (op.op === 'test') {
    if (JSON.stringify(node[last]) !== JSON.stringify(op.value)) throw new Error(`patch test failed at ${op.path}`);
  } else if (op.op === 'remove') {
    if (!exists) throw new Error(`remove of missing ${op.path}`);
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else if (op.op === 'add' && Array.isArray(node)) {
    if (last === '-') node.push(op.value);
    else node.splice(Number(last), 0, op.value);
  } else if (op.op === 'add' || op.op === 'replace') {
    if (op.op === 'replace' && !exists) throw new Error(`replace of missing ${op.path}`);
    node[last] = op.value;
  } else {
    throw new Error(`patch op ${op.op} is not supported by this resolver`);
  }
}

function matchesTarget(doc: Doc, t: Doc): boolean {
  const [group, version] = String(doc.apiVersion).includes('/')
    ? String(doc.apiVersion).split('/')
    : ['', doc.apiVersion];
  return (
    (t.group === undefined || t.group === group) &&
    (t.version === undefined || t.version === version) &&
    (t.kind === undefined || t.kind === doc.kind) &&
    (t.name === undefined || t.name === doc.metadata?.name) &&
    (t.namespace === undefined || t.namespace === doc.metadata?.namespace)
  );
}

/**
 * Resolves a kustomization directory (repo-relative) into its documents, the way
 * `kustomize build` would for the features used here. Throws on a missing resource,
 * an unsupported field or a patch that matches nothing.
 */
export function resolveKustomization(dir: string): Resolved {
  const kfile = path.join(REPO_ROOT, dir, 'kustomization.yaml');
  const [k] = parseYamlFile(kfile).docs;
  if (!k || k.kind !== 'Kustomization') throw new Error(`${dir}: not a Kustomization`);
  const supported = new Set(['apiVersion', 'kind', 'resources', 'patches', 'images']);
  for (const key of Object.keys(k))
    if (!supported.has(key)) throw new Error(`${dir}: resolver does not support "${key}"`);
  const docs: Doc[] = [];
  const files: string[] = [];
  for (const r of (k.resources ?? []) as string[]) {
    const abs = path.resolve(REPO_ROOT, dir, r);
    if (!fs.existsSync(abs)) throw new Error(`${dir}: resource ${r} does not exist`);
    if (fs.statSync(abs).isDirectory()) {
      const sub = resolveKustomization(path.relative(REPO_ROOT, abs));
      docs.push(...sub.docs);
      files.push(...sub.files);
    } else {
      const m = parseYamlFile(abs);
      if (m.errors.length > 0) throw new Error(`${m.file}: ${m.errors.join('; ')}`);
      docs.push(...m.docs);
      files.push(m.file);
    }
  }
  for (const p of (k.patches ?? []) as Doc[]) {
    if (!p.target || typeof p.patch !== 'string')
      throw new Error(`${dir}: only inline JSON 6902 patches with a target are supported`);
    const ops = parseAllDocuments(p.patch)[0]?.toJS() as { op: string; path: string; value?: unknown }[];
    const targets = docs.filter((d) => matchesTarget(d, p.target));
    if (targets.length === 0) throw new Error(`${dir}: patch target ${JSON.stringify(p.target)} matches nothing`);
    for (const t of targets) for (const op of ops) applyJsonPatchOp(t, op);
  }
  return { docs, files };
}

export const overlayDir = (o: OverlayName) => `infra/overlays/${o}`;

/** The pod spec of a workload (Knative Service, Deployment, StatefulSet), else undefined. */
export function podSpecOf(doc: Doc): Doc | undefined {
  if (['Service', 'Deployment', 'StatefulSet'].includes(doc.kind) && doc.spec?.template?.spec)
    return doc.spec.template.spec;
  return undefined;
}

export const isKnativeService = (d: Doc) => d.apiVersion === 'serving.knative.dev/v1' && d.kind === 'Service';
export const workloads = (docs: Doc[]) => docs.filter((d) => podSpecOf(d) !== undefined);
export const containersOf = (pod: Doc): Doc[] => [...(pod.containers ?? []), ...(pod.initContainers ?? [])];
export const podLabels = (doc: Doc): Record<string, string> => doc.spec?.template?.metadata?.labels ?? {};
export const podAnnotations = (doc: Doc): Record<string, string> => doc.spec?.template?.metadata?.annotations ?? {};
export const id = (d: Doc) => `${d.kind}/${d.metadata?.namespace ?? ''}/${d.metadata?.name}`;

/** Our own images (built from docker/*.Dockerfile); the env-var rule applies to them. */
export const isOurImage = (image: string) => image.startsWith('safety-hanta/');

/** Every (workload, container) pair in a list of documents. */
export function allContainers(docs: Doc[]): { doc: Doc; pod: Doc; container: Doc; init: boolean }[] {
  return workloads(docs).flatMap((doc) => {
    const pod = podSpecOf(doc) as Doc;
    return [
      ...(pod.containers ?? []).map((container: Doc) => ({ doc, pod, container, init: false })),
      ...(pod.initContainers ?? []).map((container: Doc) => ({ doc, pod, container, init: true })),
    ];
  });
}

/** Every document of every manifest file, tagged with its file. */
export function allDocs(): { file: string; doc: Doc }[] {
  return manifestFiles().flatMap((m) => m.docs.map((doc) => ({ file: m.file, doc })));
}
