/**
 * The local KEDA + HPA equivalent (pure): activation, cooldown, per-metric max, stabilization
 * windows and rate policies, driven by readings with explicit timestamps (no clock, no Redis).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Autoscaler, scaleTiming, type AutoscalerSettings, type Reading } from '../stack/autoscale';
import {
  kedaTimingFromManifest,
  scalingSettingsFromManifest,
  KEDA_TIMING_DEFAULTS,
  type ManifestDoc,
} from '../stack/manifest-scaling';

const repo = path.join(__dirname, '..', '..');
const docOf = (rel: string, kind: string) =>
  parseAllDocuments(fs.readFileSync(path.join(repo, rel), 'utf8'))
    .map((d) => d.toJS() as ManifestDoc)
    .find((d) => d.kind === kind)!;

/** The Knative Service's numbers: min 1, max 8, up 2 pods / 60 s, down 1 pod / 300 s after 600 s. */
const knative = (): AutoscalerSettings => {
  const doc = docOf('knative/inference/service.yaml', 'Service');
  return { ...scalingSettingsFromManifest(doc), ...kedaTimingFromManifest(doc) };
};
/** The plain KEDA ScaledObject: min 0, cooldown 1800 s. */
const plain = (): AutoscalerSettings => {
  const doc = docOf('keda/scaledobject.yaml', 'ScaledObject');
  return { ...scalingSettingsFromManifest(doc), ...kedaTimingFromManifest(doc) };
};

/** Runs readings every `everyS` seconds from t=0, returning the replicas after each. */
function run(a: Autoscaler, seq: Array<[queued: number, inFlight: number]>, everyS = 10, t0 = 0): number[] {
  return seq.map(
    ([queued, inFlight], i) => a.step({ atMs: (t0 + i * everyS) * 1000, queued, inFlight } satisfies Reading).replicas,
  );
}

describe('Autoscaler (pure KEDA + HPA model)', () => {
  it('reads the manifests’ timing: poll 10 s, up 2 pods/60 s, down 1 pod/300 s after a 600 s window', () => {
    const s = knative();
    expect(s).toMatchObject({
      pollingIntervalSeconds: 10,
      minReplicas: 1,
      maxReplicas: 8,
      listLength: 186,
      inFlightLength: 56,
    });
    expect(s.scaleUp).toEqual({
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }],
    });
    expect(s.scaleDown).toEqual({
      stabilizationWindowSeconds: 600,
      selectPolicy: 'Max',
      policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }],
    });
    expect(plain()).toMatchObject({ minReplicas: 0, cooldownPeriodSeconds: 1800 });
  });

  it('a burst scales up at most 2 pods per 60 s, to max 8', () => {
    const a = new Autoscaler(knative(), 1);
    // 2000 queued (≥ 8 × 186) for 4 minutes, polled every 10 s
    const replicas = run(
      a,
      Array.from({ length: 25 }, () => [2000, 0]),
    );
    expect(replicas[0]).toBe(3); // 1 → 3 at once (Pods 2)
    expect(replicas.slice(1, 6)).toEqual([3, 3, 3, 3, 3]); // same 60 s period
    expect(replicas[6]).toBe(5); // t=60 s: the +2 event left the period
    expect(replicas[12]).toBe(7);
    expect(replicas[18]).toBe(8); // capped at max
    expect(Math.max(...replicas)).toBe(8);
  });

  it('scale-down waits for the 600 s window, then 1 pod per 300 s, down to min 1', () => {
    const a = new Autoscaler(knative(), 4);
    const t = (s: number, queued: number, inFlight = 0) => a.step({ atMs: s * 1000, queued, inFlight }).replicas;
    expect(t(0, 744)).toBe(4); // 744/186 = 4: steady
    expect(t(10, 0)).toBe(4); // load gone: the window still holds 4
    expect(t(600, 0)).toBe(4); // the t=0 recommendation (4) is still in the window (≥ now − 600 s)
    expect(t(610, 0)).toBe(3); // out of the window: −1 pod
    expect(t(620, 0)).toBe(3);
    expect(t(910, 0)).toBe(2); // next period (300 s after the last −1)
    expect(t(1210, 0)).toBe(1);
    expect(t(1510, 0)).toBe(1); // min
  });

  it('in-flight work keeps busy pods: queue 0, 168 claimed on 3 replicas stays 3; with only LLEN it falls', () => {
    const both = new Autoscaler(knative(), 3);
    const llenOnly = new Autoscaler(
      { ...knative(), inFlightLength: undefined, activationInFlightLength: undefined },
      3,
    );
    const seq = Array.from({ length: 200 }, (): [number, number] => [0, 168]); // 2000 s, busy all the time
    expect(new Set(run(both, seq))).toEqual(new Set([3]));
    const fell = run(llenOnly, seq);
    expect(fell[fell.length - 1]).toBe(1);
  });

  it('the larger proposal wins: 150 claimed with an empty queue asks for ceil(150/56) = 3', () => {
    const a = new Autoscaler(knative(), 1);
    const d = a.step({ atMs: 0, queued: 0, inFlight: 150 });
    expect(d.proposal).toMatchObject({ byQueue: 0, byInFlight: 3, by: 'in-flight' });
    expect(d.replicas).toBe(3);
    expect(d.reason).toMatch(/^1→3: in-flight trigger/);
  });

  it('plain KEDA: 0 → 1 on the first queued clip, back to 0 only after the cooldown', () => {
    const a = new Autoscaler(plain(), 0);
    const t = (s: number, queued: number, inFlight = 0) => a.step({ atMs: s * 1000, queued, inFlight });
    expect(t(0, 0).replicas).toBe(0);
    const woke = t(10, 1);
    expect(woke.replicas).toBe(1);
    expect(woke.reason).toMatch(/activated/);
    expect(t(20, 0, 1).replicas).toBe(1); // claimed: in-flight trigger is active
    expect(t(30, 0, 0).replicas).toBe(1); // idle from here, last active at 20 s
    expect(t(1820, 0).replicas).toBe(1); // 20 + 1800 is not yet past
    const slept = t(1830, 0);
    expect(slept.replicas).toBe(0);
    expect(slept.reason).toMatch(/cooldown 1800 s/);
  });

  it('an activation threshold keeps the target at 0 until the count is strictly above it', () => {
    const a = new Autoscaler({ ...plain(), activationListLength: 3, activationInFlightLength: 2 }, 0);
    expect(a.step({ atMs: 0, queued: 3, inFlight: 2 }).replicas).toBe(0);
    expect(a.step({ atMs: 10_000, queued: 4, inFlight: 0 }).replicas).toBe(1);
  });

  it('the HPA default behaviour: up by max(100 %, 4 pods) per 15 s; selectPolicy Min takes the smaller; Disabled holds', () => {
    const base = { ...knative(), ...KEDA_TIMING_DEFAULTS, maxReplicas: 100 };
    expect(new Autoscaler(base, 2).step({ atMs: 0, queued: 20000, inFlight: 0 }).replicas).toBe(6); // 2+4 > 2·2
    expect(new Autoscaler(base, 10).step({ atMs: 0, queued: 20000, inFlight: 0 }).replicas).toBe(20); // 10·2 > 10+4
    const min = { ...base, scaleUp: { ...base.scaleUp, selectPolicy: 'Min' as const } };
    expect(new Autoscaler(min, 10).step({ atMs: 0, queued: 20000, inFlight: 0 }).replicas).toBe(14);
    const off = { ...base, scaleUp: { ...base.scaleUp, selectPolicy: 'Disabled' as const } };
    expect(new Autoscaler(off, 10).step({ atMs: 0, queued: 20000, inFlight: 0 }).replicas).toBe(10);
  });

  it('the ±10 % tolerance holds the count: 603 queued on 3 replicas (603/558 = 1.08) stays 3', () => {
    const a = new Autoscaler(knative(), 3);
    expect(a.step({ atMs: 0, queued: 603, inFlight: 0 }).replicas).toBe(3);
    expect(a.step({ atMs: 10_000, queued: 615, inFlight: 0 }).replicas).toBe(4);
  });

  it('scaleTiming divides every time constant and nothing else', () => {
    const s = scaleTiming(knative(), 20);
    expect(s.pollingIntervalSeconds).toBe(0.5);
    expect(s.scaleDown.stabilizationWindowSeconds).toBe(30);
    expect(s.scaleDown.policies[0]).toEqual({ type: 'Pods', value: 1, periodSeconds: 15 });
    expect(s.scaleUp.policies[0]).toEqual({ type: 'Pods', value: 2, periodSeconds: 3 });
    expect(() => scaleTiming(knative(), 0)).toThrow(RangeError);
  });
});
