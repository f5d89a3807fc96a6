/**
 * Every manifest parses and validates offline against its schema (Knative/KEDA CRD models,
 * core Kubernetes OpenAPI models), and every kustomization resolves.
 */
import {
  allDocs,
  id,
  kustomizationFiles,
  manifestFiles,
  overlayDir,
  OVERLAYS,
  resolveKustomization,
  type Doc,
} from './manifests';
import { validateDoc } from './schemas';

const clone = (d: Doc): Doc => structuredClone(d);

describe('manifests parse and validate (offline)', () => {
  const files = manifestFiles();

  it('finds the manifests', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files.map((f) => [f.file, f] as const))('%s parses as YAML', (_file, f) => {
    expect(f.errors).toEqual([]);
    expect(f.docs.length).toBeGreaterThan(0);
  });

  it.each(allDocs().map(({ file, doc }) => [`${file}: ${id(doc)}`, doc] as const))(
    '%s validates against its schema',
    (_n, doc) => {
      expect(() => validateDoc(doc)).not.toThrow();
    },
  );

  it('the validators reject broken manifests (the checks can fail)', () => {
    const ksvc = allDocs().find(({ doc }) => doc.kind === 'Service' && doc.apiVersion === 'serving.knative.dev/v1')
      ?.doc as Doc;
    const badPort = clone(ksvc);
    badPort.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => validateDoc(badPort)).toThrow(/containerPort/);
    const badPod = clone(ksvc);
    badPod.spec.template.spec.containers[0].env = [{ name: 'X', value: 5 }];
    expect(() => validateDoc(badPod)).toThrow(/value/);
    const so = allDocs().find(({ doc }) => doc.kind === 'ScaledObject')?.doc as Doc;
    const badSo = clone(so);
    badSo.spec.triggers[0].metadata.listLength = 8; // KEDA metadata is map[string]string
    expect(() => validateDoc(badSo)).toThrow(/listLength/);
    const deploy = allDocs().find(({ doc }) => doc.kind === 'Deployment')?.doc as Doc;
    const badDeploy = clone(deploy);
    delete badDeploy.spec.selector;
    expect(() => validateDoc(badDeploy)).toThrow(/selector/);
    expect(() => validateDoc({ apiVersion: 'example.com/v1', kind: 'Unknown', metadata: { name: 'x' } })).toThrow(
      /no schema/,
    );
  });
});

describe('kustomizations resolve (offline kustomize subset)', () => {
  it.each(kustomizationFiles().map((f) => [f] as const))('%s resolves', (f) => {
    expect(() => resolveKustomization(f.replace(/\/kustomization\.yaml$/, ''))).not.toThrow();
  });

  it.each(OVERLAYS.map((o) => [o] as const))('overlay %s has no duplicate objects', (o) => {
    const ids = resolveKustomization(overlayDir(o)).docs.map(id);
    expect(ids.filter((x, i) => ids.indexOf(x) !== i)).toEqual([]);
  });

  it('every manifest file is applied by at least one overlay', () => {
    const reached = new Set(OVERLAYS.flatMap((o) => resolveKustomization(overlayDir(o)).files));
    expect(
      manifestFiles()
        .map((f) => f.file)
        .filter((f) => !reached.has(f)),
    ).toEqual([]);
  });

  it('the resolver fails on a missing resource and on a patch that matches nothing', () => {
    expect(() => resolveKustomization('test/deploy/fixtures/missing-resource')).toThrow(/does not exist/);
    expect(() => resolveKustomization('test/deploy/fixtures/dangling-patch')).toThrow(/matches nothing/);
  });
});
