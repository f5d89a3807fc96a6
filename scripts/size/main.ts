/**
 * `npm run size -- --cameras N [--bench result.json] [--gate-skip 0.3] [--out DIR]`
 *
 * Turns a throughput measurement (`npm run bench -- server` with BENCH_OUT, against a real vLLM)
 * or, without one, the sourced conservative coefficients into μ, cameras per GPU, the latency
 * budget and the KEDA numbers for N cameras, explains each derivation (docs/deploy.md §6), and
 * writes one kustomization per overlay that patches the inference scaler, its latency budget and
 * the alerts dashboard's matching settings (`DIR/<overlay>/kustomization.yaml`; stdout without --out).
 */
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { REPO_ROOT, overlayDir, resolveKustomization } from '../../test/deploy/manifests';
import { BenchResultSchema, measuredFromBench } from './bench-result';
import {
  DEFAULT_REQUIREMENTS,
  SOURCED_C,
  camerasWithGate,
  deriveSizing,
  muFromCoefficients,
  type Sizing,
} from './derive';
import { sizingPatches, type SizedOverlay } from './overlay';

const OVERLAYS: SizedOverlay[] = ['autoscaler-keda', 'plain-keda'];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The kustomization (as YAML) that applies `s` on top of an overlay, with `resources` relative to `outDir`. */
export function sizedKustomization(overlay: SizedOverlay, s: Sizing, outDir: string): string {
  const base = path.join(REPO_ROOT, overlayDir(overlay));
  const patches = sizingPatches(overlay, resolveKustomization(overlayDir(overlay)).docs, s).map((p) => ({
    target: p.target,
    patch: stringify(p.ops).trimEnd(),
  }));
  const header = `# npm run size: μ ${s.mu.toFixed(1)} clips/s, ${s.camerasPerGpu} cameras per GPU, replicas ${s.minReplicas}..${s.maxReplicas}\n`;
  return (
    header +
    stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [path.relative(outDir, base)],
      patches,
    })
  );
}

function main(): void {
  const cameras = Number(arg('cameras'));
  if (!Number.isInteger(cameras) || cameras < 1) {
    process.stderr.write('usage: npm run size -- --cameras N [--bench result.json] [--gate-skip 0.3] [--out DIR]\n');
    process.exit(2);
  }
  const benchFile = arg('bench');
  let mu: number;
  let service: number;
  let source: string;
  const lines: string[] = [];
  if (benchFile) {
    const m = measuredFromBench(BenchResultSchema.parse(JSON.parse(fs.readFileSync(benchFile, 'utf8'))));
    ({ mu, serviceSeconds: service } = m);
    source = `measurement ${benchFile}`;
    lines.push(...m.explain);
  } else {
    const c = SOURCED_C;
    mu = muFromCoefficients(c);
    service = c.serviceSeconds;
    source = c.label;
    lines.push(
      `GPU time per clip = ${c.uncachedTokens} uncached tokens × ${c.prefillUsPerToken} µs + ${c.outputTokens} output tokens × ${c.decodeMsPerToken} ms = ${(1000 / mu).toFixed(1)} ms; service time ${c.serviceSeconds} s`,
    );
  }
  const s = deriveSizing(mu, service, { ...DEFAULT_REQUIREMENTS, cameras }, source);
  lines.unshift(...s.explain.slice(0, 1));
  lines.push(...s.explain.slice(1));
  const skip = arg('gate-skip');
  if (skip !== undefined)
    lines.push(
      `with the unchanged-scene gate skipping ${skip} of clips: ⌊${s.camerasPerGpu} / (1 − ${skip})⌋ = ${camerasWithGate(s.camerasPerGpu, Number(skip))} cameras per GPU (the KEDA numbers above count clips sent, so they stay)`,
    );
  process.stdout.write(`${lines.join('\n')}\n`);
  const out = arg('out');
  for (const o of OVERLAYS) {
    const dir = out ? path.resolve(out, o) : process.cwd();
    const yaml = sizedKustomization(o, s, dir);
    if (out) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'kustomization.yaml'), yaml);
      process.stdout.write(`wrote ${path.join(dir, 'kustomization.yaml')}\n`);
    } else {
      process.stdout.write(
        `\n# ---- ${o}: save as <dir>/kustomization.yaml (resources path is relative to the current directory)\n${yaml}`,
      );
    }
  }
}

if (require.main === module) main();
