/**
 * docs/deploy.md must stay deployable as written: every repository path it names exists,
 * and the scaling numbers it derives are the manifests' numbers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { scalingSettingsFromManifest } from '../../scripts/stack/manifest-scaling';
import { overlayDir, REPO_ROOT, resolveKustomization } from './manifests';
import { MU, PREPARE_SECONDS, SERVICE_SECONDS, VERDICT_BUDGET_SECONDS } from './sizing';

const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'deploy.md'), 'utf8');

describe('docs/deploy.md (offline)', () => {
  it('every repository path it names exists', () => {
    const paths = [...doc.matchAll(/(?<![\w./:-])((?:infra|knative|keda|docker|functions|test)\/[\w./-]*[\w/])/g)].map(
      (m) => m[1] as string,
    );
    expect(paths.length).toBeGreaterThan(10);
    const missing = [...new Set(paths)].filter((p) => !fs.existsSync(path.join(REPO_ROOT, p.replace(/\/$/, ''))));
    expect(missing).toEqual([]);
  });

  it('applies every overlay that exists, and only those', () => {
    const named = new Set([...doc.matchAll(/kubectl apply -k infra\/overlays\/([\w-]+)/g)].map((m) => m[1]));
    const existing = fs.readdirSync(path.join(REPO_ROOT, 'infra', 'overlays'));
    expect([...named].sort()).toEqual(existing.sort());
  });

  it('states the listLength and in-flight target the manifests use, and the derivation arithmetic holds', () => {
    const so = resolveKustomization(overlayDir('plain-keda')).docs.find((d) => d.kind === 'ScaledObject');
    const { listLength, inFlightLength } = scalingSettingsFromManifest(so as Record<string, unknown>);
    const mu = MU.toFixed(1);
    expect(doc).toContain(`**listLength = μ × W ≈ ${listLength}.**`);
    expect(doc).toContain(`μ = the GPU's rate ≈ **${mu} clips/s**`);
    expect(Math.round(MU * (VERDICT_BUDGET_SECONDS - SERVICE_SECONDS - PREPARE_SECONDS))).toBe(listLength);
    expect(doc).toContain(
      `**in-flight listLength = ${mu} × ${SERVICE_SECONDS} + ${mu} × ${PREPARE_SECONDS} ≈ ${inFlightLength}.**`,
    );
    expect(Math.round(MU * (SERVICE_SECONDS + PREPARE_SECONDS))).toBe(inFlightLength);
  });

  it('shows how to read the prefix-cache hit rate', () => {
    expect(doc).toContain('vllm:prefix_cache_hits_total / vllm:prefix_cache_queries_total');
  });
});
