/**
 * `npm run size` round trip: the kustomization it writes for each overlay, resolved the way
 * `kustomize build` would (test/deploy/manifests.ts), carries the derived numbers in the inference
 * scaler and latency budget, and the alerts dashboard reads the same numbers from its env.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../functions/shared/src/config';
import { scalingSettingsFromManifest } from '../../scripts/stack/manifest-scaling';
import { sizedKustomization } from '../../scripts/size/main';
import { DEFAULT_REQUIREMENTS, deriveSizing } from '../../scripts/size/derive';
import { REPO_ROOT, isKnativeService, resolveKustomization, type Doc } from './manifests';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const envOf = (doc: Doc): Record<string, string> =>
  Object.fromEntries(
    (doc.spec.template.spec.containers[0].env as Doc[])
      .filter((e) => e.value !== undefined)
      .map((e) => [e.name, e.value]),
  );

describe.each(['autoscaler-keda', 'plain-keda'] as const)('npm run size → %s overlay (offline)', (overlay) => {
  const sizing = deriveSizing(20, 0.9, { ...DEFAULT_REQUIREMENTS, cameras: 500 }, 'synthetic');

  it('the written kustomization resolves to the derived scaler, budget and dashboard settings', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'size-overlay-'));
    dirs.push(out);
    fs.writeFileSync(path.join(out, 'kustomization.yaml'), sizedKustomization(overlay, sizing, out));
    const docs = resolveKustomization(path.relative(REPO_ROOT, out)).docs;
    const knative = docs.find((d) => isKnativeService(d) && d.metadata.name === 'inference');
    const scaler = knative ?? docs.find((d) => d.kind === 'ScaledObject' && d.metadata.name === 'inference');
    const settings = scalingSettingsFromManifest(scaler as Doc);
    const min = overlay === 'plain-keda' ? 0 : 1;
    expect(settings).toMatchObject({ listLength: 162, inFlightLength: 38, maxReplicas: 6, minReplicas: min });
    if (knative) expect(knative.spec.template.metadata.annotations['autoscaling.knative.dev/max-scale']).toBe('6');
    const workload = knative ?? docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'inference');
    expect(envOf(workload as Doc).INFERENCE_LATENCY_BUDGET_MS).toBe('1900');
    const alerts = docs.find((d) => isKnativeService(d) && d.metadata.name === 'alerts') as Doc;
    const names = (alerts.spec.template.spec.containers[0].env as Doc[]).map((e) => e.name);
    expect(names.length).toBe(new Set(names).size); // no env var twice
    const a = parseConfig(envOf(alerts)).alerts;
    expect({
      listLength: a.kedaListLength,
      inFlightLength: a.kedaInFlightLength,
      maxReplicas: a.kedaMaxReplicas,
      minReplicas: a.kedaMinReplicas,
    }).toEqual({ listLength: 162, inFlightLength: 38, maxReplicas: 6, minReplicas: min });
  });
});
