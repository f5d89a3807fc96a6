import { envVar, int, type Section } from './define';

/** Variables owned by the alerts function (store + dashboard). */
export const alerts = {
  recentVerdicts: envVar('ALERTS_RECENT_VERDICTS', {
    schema: int(10, 100000), default: '500', expected: 'an integer ≥ 10', doc: 'recent verdicts kept for the dashboard',
  }),
  kedaListLength: envVar('KEDA_LIST_LENGTH', {
    schema: int(1, 100000), default: '8', expected: 'an integer ≥ 1', doc: 'queued clips per inference replica (same as the ScaledObject’s listLength)',
  }),
  kedaMinReplicas: envVar('KEDA_MIN_REPLICAS', { schema: int(0, 1000), default: '1', expected: 'an integer ≥ 0', doc: 'minReplicaCount of the ScaledObject' }),
  kedaMaxReplicas: envVar('KEDA_MAX_REPLICAS', { schema: int(1, 1000), default: '8', expected: 'an integer ≥ 1', doc: 'maxReplicaCount of the ScaledObject' }),
} satisfies Section;
