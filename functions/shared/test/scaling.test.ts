import { kedaDesiredReplicas, scalingSettingsFromManifest, UNBOUNDED_MAX_REPLICAS, type KedaScalingSettings } from '../src/scaling';

const zeroToTen: KedaScalingSettings = { listLength: 5, activationListLength: 0, minReplicas: 0, maxReplicas: 10 };

describe('kedaDesiredReplicas', () => {
  it.each([
    [0, 0], // inactive with min 0: scaled to zero
    [1, 1], // 1 > activation 0: active, ceil(1/5) = 1
    [5, 1],
    [6, 2],
    [20, 4], // the KEDA docs' example: 20 / 5 = 4
    [49, 10],
    [500, 10], // clamped to max
  ])('queue %i → %i replicas (listLength 5, min 0, max 10)', (queueLength, expected) => {
    expect(kedaDesiredReplicas({ ...zeroToTen, queueLength })).toBe(expected);
  });

  it('activation has priority over the scaling target (KEDA docs: 40 msgs, activation 50 → 0)', () => {
    expect(kedaDesiredReplicas({ listLength: 10, activationListLength: 50, minReplicas: 0, maxReplicas: 10, queueLength: 40 })).toBe(0);
    expect(kedaDesiredReplicas({ listLength: 10, activationListLength: 50, minReplicas: 0, maxReplicas: 10, queueLength: 50 })).toBe(0);
    expect(kedaDesiredReplicas({ listLength: 10, activationListLength: 50, minReplicas: 0, maxReplicas: 10, queueLength: 51 })).toBe(6);
  });

  it('min ≥ 1 is always active: activation is ignored and the floor is min', () => {
    const s = { listLength: 8, activationListLength: 100, minReplicas: 2, maxReplicas: 8 };
    expect(kedaDesiredReplicas({ ...s, queueLength: 0 })).toBe(2);
    expect(kedaDesiredReplicas({ ...s, queueLength: 30 })).toBe(4);
  });

  it('keeps the current count inside the HPA ±10 % tolerance band, leaves it outside', () => {
    // 4 replicas × 5 = 20 target; 21 is +5 % → stay at 4 (plain formula would say 5)
    expect(kedaDesiredReplicas({ ...zeroToTen, queueLength: 21, currentReplicas: 4 })).toBe(4);
    expect(kedaDesiredReplicas({ ...zeroToTen, queueLength: 21 })).toBe(5);
    // 23 is +15 % → rescale
    expect(kedaDesiredReplicas({ ...zeroToTen, queueLength: 23, currentReplicas: 4 })).toBe(5);
  });

  it('rejects impossible settings', () => {
    expect(() => kedaDesiredReplicas({ ...zeroToTen, queueLength: -1 })).toThrow(RangeError);
    expect(() => kedaDesiredReplicas({ ...zeroToTen, listLength: 0, queueLength: 1 })).toThrow(RangeError);
    expect(() => kedaDesiredReplicas({ ...zeroToTen, minReplicas: 11, queueLength: 1 })).toThrow(RangeError);
  });
});

describe('scalingSettingsFromManifest', () => {
  it('reads a ScaledObject, defaulting what is unset the way KEDA does', () => {
    const doc = {
      kind: 'ScaledObject',
      spec: { maxReplicaCount: 4, triggers: [{ type: 'redis', metadata: { listName: 'safety:clips', listLength: '6' } }] },
    };
    expect(scalingSettingsFromManifest(doc)).toEqual({ listName: 'safety:clips', listLength: 6, activationListLength: 0, minReplicas: 0, maxReplicas: 4 });
  });

  const ksvc = (annotations: Record<string, string>) => ({ kind: 'Service', spec: { template: { metadata: { annotations } } } });
  const override = (spec: object) => ({ 'autoscaling.knative.dev/scaled-object-override': JSON.stringify({ spec }) });
  const redis = { triggers: [{ type: 'redis', metadata: { listName: 'q', listLength: '3', activationListLength: '1' } }] };

  it('reads a Knative Service override the way autoscaler-keda builds it: max from max-scale', () => {
    const doc = ksvc({ ...override({ ...redis, minReplicaCount: 1, maxReplicaCount: 99 }), 'autoscaling.knative.dev/max-scale': '5' });
    expect(scalingSettingsFromManifest(doc)).toEqual({ listName: 'q', listLength: 3, activationListLength: 1, minReplicas: 1, maxReplicas: 5 });
  });

  it('override without max-scale is unbounded; min-scale does not reach the ScaledObject', () => {
    const doc = ksvc({ ...override(redis), 'autoscaling.knative.dev/min-scale': '2' });
    expect(scalingSettingsFromManifest(doc)).toMatchObject({ minReplicas: 0, maxReplicas: UNBOUNDED_MAX_REPLICAS });
  });

  it('fails on a manifest without a redis trigger or with a non-numeric length', () => {
    expect(() => scalingSettingsFromManifest({ kind: 'Deployment' })).toThrow(TypeError);
    expect(() => scalingSettingsFromManifest({ kind: 'ScaledObject', spec: { triggers: [{ type: 'cpu', metadata: {} }] } })).toThrow(TypeError);
    expect(() =>
      scalingSettingsFromManifest({ kind: 'ScaledObject', spec: { triggers: [{ type: 'redis', metadata: { listName: 'q', listLength: 'many' } }] } }),
    ).toThrow(TypeError);
  });
});
