/**
 * Scaling model (offline: no KEDA, no HPA): the replicas the manifests' ScaledObject settings
 * imply for a queue-length trace follow KEDA's formula, computed by the same
 * `kedaDesiredReplicas` the alerts dashboard uses, with the settings read from the manifests;
 * and the dashboard's KEDA settings (its env in each overlay, else the config defaults) are
 * the manifests' numbers.
 */
import { parseConfig } from '../../functions/shared/src/config';
import { redisKeys } from '../../functions/shared/src/keys';
import { kedaDesiredReplicas, type KedaScalingSettings } from '../../functions/shared/src/scaling';
import { kedaTimingFromManifest, scalingSettingsFromManifest } from '../../scripts/stack/manifest-scaling';
import fs from 'node:fs';
import path from 'node:path';
import {
  isKnativeService,
  OVERLAYS,
  overlayDir,
  REPO_ROOT,
  resolveKustomization,
  type Doc,
  type OverlayName,
} from './manifests';
import { MU, PREPARE_SECONDS, SERVICE_SECONDS, SHIPPED, VERDICT_BUDGET_SECONDS } from './sizing';

/** The document that carries an overlay's inference scaling settings. */
function scalerOf(docs: Doc[]): Doc {
  const override = docs.find((d) => isKnativeService(d) && d.metadata.name === 'inference');
  const so = docs.find((d) => d.kind === 'ScaledObject' && d.metadata.name === 'inference');
  const found = [override, so].filter((d): d is Doc => d !== undefined);
  if (found.length !== 1) throw new Error(`expected one inference scaler, found ${found.length}`);
  return found[0] as Doc;
}

function settingsOf(overlay: OverlayName) {
  return scalingSettingsFromManifest(scalerOf(resolveKustomization(overlayDir(overlay)).docs));
}

/** What the alerts dashboard will assume in this overlay: its env there, over the config defaults. */
function dashboardSettings(overlay: OverlayName): KedaScalingSettings {
  const alerts = resolveKustomization(overlayDir(overlay)).docs.find(
    (d) => isKnativeService(d) && d.metadata.name === 'alerts',
  ) as Doc;
  const env = Object.fromEntries(
    (alerts.spec.template.spec.containers[0].env as Doc[])
      .filter((e) => e.value !== undefined)
      .map((e) => [e.name, e.value]),
  );
  const a = parseConfig(env).alerts;
  return {
    listLength: a.kedaListLength,
    activationListLength: a.kedaActivationListLength,
    minReplicas: a.kedaMinReplicas,
    maxReplicas: a.kedaMaxReplicas,
    inFlightLength: a.kedaInFlightLength,
    activationInFlightLength: a.kedaActivationInFlightLength,
  };
}

// A morning: cameras start, a burst (a backlog after a GPU node loss), drain, night.
const TRACE = [0, 1, 10, 186, 187, 372, 373, 720, 1488, 1489, 4800, 2800, 920, 187, 5, 0];

describe('scaling model (offline: KEDA/HPA formula, no cluster)', () => {
  it.each(OVERLAYS.map((o) => [o] as const))('%s: the scaler watches safety:clips', (o) => {
    expect(settingsOf(o).listName).toBe(redisKeys('safety').clips);
  });

  it('autoscaler-keda: 1 warm replica, ceil(len / 186) up to 8', () => {
    const s = settingsOf('autoscaler-keda');
    expect(s).toMatchObject({ listLength: 186, inFlightLength: 56, minReplicas: 1, maxReplicas: 8 });
    const replicas = TRACE.map((queueLength) => kedaDesiredReplicas({ ...s, queueLength }));
    expect(replicas).toEqual([1, 1, 1, 1, 2, 2, 3, 4, 8, 8, 8, 8, 5, 2, 1, 1]);
  });

  it('plain-keda: scales to zero when the list is empty, activation at > 0', () => {
    const s = settingsOf('plain-keda');
    expect(s).toMatchObject({
      listLength: 186,
      inFlightLength: 56,
      activationListLength: 0,
      minReplicas: 0,
      maxReplicas: 8,
    });
    const replicas = TRACE.map((queueLength) => kedaDesiredReplicas({ ...s, queueLength }));
    expect(replicas).toEqual([0, 1, 1, 1, 2, 2, 3, 4, 8, 8, 8, 8, 5, 2, 1, 0]);
  });

  it.each(OVERLAYS.map((o) => [o] as const))('%s: every step follows KEDA’s formula (activation, ceil, clamp)', (o) => {
    const s = settingsOf(o);
    for (const queueLength of TRACE) {
      const active = s.minReplicas >= 1 || queueLength > s.activationListLength;
      const expected = active
        ? Math.min(s.maxReplicas, Math.max(1, s.minReplicas, Math.ceil(queueLength / s.listLength)))
        : 0;
      expect(kedaDesiredReplicas({ ...s, queueLength })).toBe(expected);
    }
  });

  it.each(OVERLAYS.map((o) => [o] as const))(
    '%s: the second trigger counts the claimed set (in flight), target 56',
    (o) => {
      const s = settingsOf(o);
      expect(s.inFlightListName).toBe(redisKeys('safety').claimed);
      expect(s).toMatchObject({ inFlightLength: 56, activationInFlightLength: 0 });
    },
  );

  it('both ScaledObjects (keda/ and the Knative override) have the same triggers and timing', () => {
    const a = scalerOf(resolveKustomization(overlayDir('autoscaler-keda')).docs);
    const b = scalerOf(resolveKustomization(overlayDir('plain-keda')).docs);
    const { minReplicas: _a, ...sa } = scalingSettingsFromManifest(a);
    const { minReplicas: _b, ...sb } = scalingSettingsFromManifest(b);
    expect(sa).toEqual(sb);
    const { cooldownPeriodSeconds: _c, ...ta } = kedaTimingFromManifest(a);
    const { cooldownPeriodSeconds: _d, ...tb } = kedaTimingFromManifest(b);
    expect(ta).toEqual(tb);
  });

  it('the HPA way with both metrics: the larger proposal wins (busy pods with an empty list keep their replicas)', () => {
    const s = settingsOf('autoscaler-keda');
    // queue drained but 4 pods each hold 56 claimed clips: LLEN alone says 1, in flight says 4
    expect(kedaDesiredReplicas({ ...s, inFlightLength: undefined, queueLength: 0, inFlight: 224 })).toBe(1);
    expect(kedaDesiredReplicas({ ...s, queueLength: 0, inFlight: 224 })).toBe(4);
    expect(kedaDesiredReplicas({ ...s, queueLength: 930, inFlight: 56 })).toBe(5);
    // plain KEDA: claimed work alone keeps the ScaledObject active (no fall to 0 under load)
    const p = settingsOf('plain-keda');
    expect(kedaDesiredReplicas({ ...p, queueLength: 0, inFlight: 3 })).toBe(1);
    expect(kedaDesiredReplicas({ ...p, inFlightLength: undefined, queueLength: 0, inFlight: 3 })).toBe(0);
  });

  it('the in-flight target follows the documented derivation: μ × (service + preparation time)', () => {
    // docs/deploy.md §6, in-flight target: μ × 1.3 s in the model + μ × ≈1 s being prepared/published
    expect(Math.round(MU * SERVICE_SECONDS + MU * PREPARE_SECONDS)).toBe(settingsOf('autoscaler-keda').inFlightLength);
  });

  it.each(OVERLAYS.map((o) => [o] as const))('%s: the alerts dashboard estimates with the manifest’s numbers', (o) => {
    const { listName: _ignored, inFlightListName: _ignored2, ...manifest } = settingsOf(o);
    expect(dashboardSettings(o)).toEqual(manifest);
  });

  it('the comparison fails when the manifest and the dashboard disagree', () => {
    const s = settingsOf('plain-keda');
    expect(dashboardSettings('autoscaler-keda')).not.toEqual({
      listLength: s.listLength,
      activationListLength: s.activationListLength,
      minReplicas: s.minReplicas,
      maxReplicas: s.maxReplicas,
    });
  });

  it('listLength follows the documented derivation: μ × wait budget', () => {
    // docs/deploy.md §6: μ = the GPU's rate (the preparer and the adaptive concurrency do not bind),
    // wait budget = 10 s − 1.3 s service − 1 s preparation.
    const waitBudgetSeconds = VERDICT_BUDGET_SECONDS - SERVICE_SECONDS - PREPARE_SECONDS;
    expect(Math.round(MU * waitBudgetSeconds)).toBe(settingsOf('autoscaler-keda').listLength);
  });

  it('μ is the sourced GPU rate: 24.2 clips/s = 120 cameras (≥ 100 per H100) for the default input', () => {
    expect(MU).toBeCloseTo(24.2, 1);
    expect(Math.floor(MU * 5)).toBe(120);
  });

  it.each(OVERLAYS.filter((o) => o.endsWith('keda')).map((o) => [o] as const))(
    '%s: the manifests ship `npm run size` for 800 cameras on the sourced coefficients',
    (o) => {
      expect(settingsOf(o)).toMatchObject({
        listLength: SHIPPED.listLength,
        inFlightLength: SHIPPED.inFlightLength,
        maxReplicas: SHIPPED.maxReplicas,
      });
    },
  );

  it('the shipped latency budget is the sourced service time + 1 s (the loop does not hoard clips)', () => {
    for (const file of ['knative/inference/service.yaml', 'keda/inference-deployment.yaml']) {
      const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
      expect(text).toContain(`{name: INFERENCE_LATENCY_BUDGET_MS, value: "${(SERVICE_SECONDS + 1) * 1000}"}`);
    }
  });
});
