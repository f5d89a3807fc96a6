import { kedaDesiredReplicas, kedaProposal, type KedaScalingSettings } from '../src/scaling';
import {
  kedaTimingFromManifest,
  KEDA_TIMING_DEFAULTS,
  scalingSettingsFromManifest,
  UNBOUNDED_MAX_REPLICAS,
} from '../../../scripts/stack/manifest-scaling';

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
    const s = { listLength: 10, activationListLength: 50, minReplicas: 0, maxReplicas: 10 };
    expect(kedaDesiredReplicas({ ...s, queueLength: 40 })).toBe(0);
    expect(kedaDesiredReplicas({ ...s, queueLength: 50 })).toBe(0);
    expect(kedaDesiredReplicas({ ...s, queueLength: 51 })).toBe(6);
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
      spec: {
        maxReplicaCount: 4,
        triggers: [{ type: 'redis', metadata: { listName: 'safety:clips', listLength: '6' } }],
      },
    };
    expect(scalingSettingsFromManifest(doc)).toEqual({
      listName: 'safety:clips',
      listLength: 6,
      activationListLength: 0,
      minReplicas: 0,
      maxReplicas: 4,
    });
  });

  const ksvc = (annotations: Record<string, string>) => ({
    kind: 'Service',
    spec: { template: { metadata: { annotations } } },
  });
  const override = (spec: object) => ({ 'autoscaling.knative.dev/scaled-object-override': JSON.stringify({ spec }) });
  const redis = {
    triggers: [{ type: 'redis', metadata: { listName: 'q', listLength: '3', activationListLength: '1' } }],
  };

  it('reads a Knative Service override the way autoscaler-keda builds it: max from max-scale', () => {
    const doc = ksvc({
      ...override({ ...redis, minReplicaCount: 1, maxReplicaCount: 99 }),
      'autoscaling.knative.dev/max-scale': '5',
    });
    expect(scalingSettingsFromManifest(doc)).toEqual({
      listName: 'q',
      listLength: 3,
      activationListLength: 1,
      minReplicas: 1,
      maxReplicas: 5,
    });
  });

  it('override without max-scale is unbounded; min-scale does not reach the ScaledObject', () => {
    const doc = ksvc({ ...override(redis), 'autoscaling.knative.dev/min-scale': '2' });
    expect(scalingSettingsFromManifest(doc)).toMatchObject({ minReplicas: 0, maxReplicas: UNBOUNDED_MAX_REPLICAS });
  });

  it('fails on a manifest without a redis trigger or with a non-numeric length', () => {
    expect(() => scalingSettingsFromManifest({ kind: 'Deployment' })).toThrow(TypeError);
    expect(() =>
      scalingSettingsFromManifest({ kind: 'ScaledObject', spec: { triggers: [{ type: 'cpu', metadata: {} }] } }),
    ).toThrow(TypeError);
    expect(() =>
      scalingSettingsFromManifest({
        kind: 'ScaledObject',
        spec: { triggers: [{ type: 'redis', metadata: { listName: 'q', listLength: 'many' } }] },
      }),
    ).toThrow(TypeError);
  });
});

describe('two triggers (queued + in flight), the HPA way', () => {
  const s: KedaScalingSettings = {
    listLength: 8,
    activationListLength: 0,
    minReplicas: 0,
    maxReplicas: 8,
    inFlightLength: 5,
    activationInFlightLength: 0,
  };

  it.each([
    // queued, in flight → replicas (max of ceil(q/8), ceil(f/5); 0 only when both are at activation)
    [0, 0, 0],
    [0, 1, 1],
    [1, 0, 1],
    [0, 12, 3],
    [40, 5, 5],
    [16, 16, 4],
    [1000, 0, 8],
    [0, 1000, 8],
  ])('queued %i, in flight %i → %i', (queueLength, inFlight, expected) => {
    expect(kedaDesiredReplicas({ ...s, queueLength, inFlight })).toBe(expected);
  });

  it('names the metric that decided, and each proposal', () => {
    expect(kedaProposal({ ...s, queueLength: 9, inFlight: 20 })).toEqual({
      active: true,
      byQueue: 2,
      byInFlight: 4,
      desired: 4,
      by: 'in-flight',
    });
    expect(kedaProposal({ ...s, queueLength: 40, inFlight: 5 })).toMatchObject({ by: 'queued', desired: 5 });
    expect(kedaProposal({ ...s, queueLength: 0, inFlight: 0 })).toMatchObject({
      active: false,
      desired: 0,
      by: 'inactive',
    });
  });

  it('the tolerance applies per metric: 21 in flight on 4 replicas (21/20) keeps 4', () => {
    expect(kedaDesiredReplicas({ ...s, queueLength: 0, inFlight: 21, currentReplicas: 4 })).toBe(4);
    expect(kedaDesiredReplicas({ ...s, queueLength: 0, inFlight: 23, currentReplicas: 4 })).toBe(5);
  });

  it('without inFlightLength the in-flight count is ignored (LLEN-only KEDA)', () => {
    expect(kedaDesiredReplicas({ ...s, inFlightLength: undefined, queueLength: 0, inFlight: 50 })).toBe(0);
    expect(() => kedaDesiredReplicas({ ...s, queueLength: 0, inFlight: -1 })).toThrow(RangeError);
    expect(() => kedaDesiredReplicas({ ...s, inFlightLength: 0, queueLength: 0 })).toThrow(RangeError);
  });

  it('reads the second redis trigger of a manifest as the in-flight one', () => {
    const doc = {
      kind: 'ScaledObject',
      spec: {
        triggers: [
          { type: 'redis', metadata: { listName: 'safety:clips', listLength: '8' } },
          { type: 'redis', metadata: { listName: 'safety:clips:claimed', listLength: '5', activationListLength: '2' } },
        ],
      },
    };
    expect(scalingSettingsFromManifest(doc)).toEqual({
      listName: 'safety:clips',
      listLength: 8,
      activationListLength: 0,
      minReplicas: 0,
      maxReplicas: 100,
      inFlightListName: 'safety:clips:claimed',
      inFlightLength: 5,
      activationInFlightLength: 2,
    });
  });
});

describe('kedaTimingFromManifest', () => {
  it('reads pollingInterval, cooldownPeriod and the HPA behaviour; KEDA/HPA defaults for the rest', () => {
    const doc = {
      kind: 'ScaledObject',
      spec: {
        pollingInterval: 10,
        advanced: {
          horizontalPodAutoscalerConfig: {
            behavior: {
              scaleDown: {
                stabilizationWindowSeconds: 600,
                policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }],
              },
            },
          },
        },
        triggers: [{ type: 'redis', metadata: { listName: 'q' } }],
      },
    };
    const t = kedaTimingFromManifest(doc);
    expect(t).toMatchObject({ pollingIntervalSeconds: 10, cooldownPeriodSeconds: 300 });
    expect(t.scaleUp).toEqual(KEDA_TIMING_DEFAULTS.scaleUp);
    expect(t.scaleDown).toEqual({
      stabilizationWindowSeconds: 600,
      selectPolicy: 'Max',
      policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }],
    });
    expect(() =>
      kedaTimingFromManifest({
        kind: 'ScaledObject',
        spec: {
          advanced: {
            horizontalPodAutoscalerConfig: {
              behavior: { scaleUp: { policies: [{ type: 'Replicas', value: 1, periodSeconds: 1 }] } },
            },
          },
        },
      }),
    ).toThrow(TypeError);
  });
});
