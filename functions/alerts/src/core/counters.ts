import type { LocalReplicas } from '../../../shared/src/pipeline-readings';
import { kedaProposal, type KedaScalingSettings } from '../../../shared/src/scaling';
import type { VerdictStatus } from '../../../shared/src/verdict';

/** Every verdict status, in display order. */
export const VERDICT_STATUS_ORDER: readonly VerdictStatus[] = ['danger', 'warning', 'safe', 'uncertain'];

/** The dashboard's counter strip. */
export interface Counters {
  /** LLEN of the clip queue (what KEDA reads). */
  readonly queueDepth: number;
  /** ZCARD of the claimed set (KEDA's in-flight trigger); 0 when not read. */
  readonly inFlight: number;
  /** Verdicts written to the verdict stream in the last 60 s. */
  readonly verdictsPerMin: number;
  /** Verdicts received by this function, by status (since its store was created). */
  readonly verdictsByStatus: Readonly<Record<VerdictStatus, number>>;
  readonly openIncidents: number;
  /** Open incidents nobody has acknowledged yet. */
  readonly unacknowledged: number;
  /** Replicas KEDA + the HPA would converge to for `queueDepth` and `inFlight` (same formula as the manifests). */
  readonly kedaReplicas: number;
  /** Which trigger decided `kedaReplicas`: 'queued' | 'in-flight' | 'inactive'. */
  readonly kedaBy: string;
  /** `npm start`'s inference replicas (its local KEDA + HPA equivalent), when a local stack runs. */
  readonly localReplicas?: LocalReplicas | undefined;
  readonly keda: KedaScalingSettings;
  readonly camerasOnline: number;
  readonly camerasTotal: number;
  /** Whether any recorder is heard from (core/camera-liveness.ts); `none-alive` is shown as its own state. */
  readonly recorders?: 'alive' | 'none-alive' | 'unknown';
  /** When these numbers were taken (ISO). */
  readonly at: string;
}

/** What the local stack's autoscaler reports (defined with the shared pipeline readings). */
export type { LocalReplicas } from '../../../shared/src/pipeline-readings';

/** Raw numbers the store reads from Redis. */

export interface CounterInputs {
  readonly queueDepth: number;
  readonly inFlight?: number;
  readonly localReplicas?: LocalReplicas | undefined;
  readonly verdictsLastMinute: number;
  readonly verdictsByStatus: Readonly<Record<string, string | number>>;
  readonly openIncidents: number;
  readonly unacknowledged: number;
  readonly camerasOnline: number;
  readonly camerasTotal: number;
}

/** Builds the counters (pure): normalises the status hash and applies KEDA's formula. */
export function buildCounters(input: CounterInputs, keda: KedaScalingSettings, now: Date): Counters {
  const byStatus = Object.fromEntries(
    VERDICT_STATUS_ORDER.map((s) => [s, Number(input.verdictsByStatus[s] ?? 0) || 0]),
  ) as Record<VerdictStatus, number>;
  return {
    queueDepth: input.queueDepth,
    inFlight: input.inFlight ?? 0,
    verdictsPerMin: input.verdictsLastMinute,
    verdictsByStatus: byStatus,
    openIncidents: input.openIncidents,
    unacknowledged: input.unacknowledged,
    ...(({ desired, by }) => ({ kedaReplicas: desired, kedaBy: by }))(
      kedaProposal({ queueLength: input.queueDepth, inFlight: input.inFlight ?? 0, ...keda }),
    ),
    keda,
    ...(input.localReplicas ? { localReplicas: input.localReplicas } : {}),
    camerasOnline: input.camerasOnline,
    camerasTotal: input.camerasTotal,
    at: now.toISOString(),
  };
}

/** True when two counter snapshots differ in anything but their timestamp (push only changes). */
export function countersChanged(a: Counters | undefined, b: Counters): boolean {
  if (!a) return true;
  const { at: _a, ...restA } = a;
  const { at: _b, ...restB } = b;
  return JSON.stringify(restA) !== JSON.stringify(restB);
}
