import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Config } from '../../functions/shared/src/config';
import { kedaTimingFromManifest, type KedaTiming, type ManifestDoc } from './manifest-scaling';
import { scaleTiming } from './autoscale';
import type { ReplicaMode } from './replicas';

/** The manifest whose timing the local autoscaler copies: the default deployment (Knative + autoscaler-keda). */
export const TIMING_MANIFEST = 'knative/inference/service.yaml';

/** pollingInterval, cooldown and HPA behaviour of the inference Service's scaled-object override. */
export function manifestTiming(repoRoot: string): KedaTiming {
  const text = fs.readFileSync(path.join(repoRoot, TIMING_MANIFEST), 'utf8');
  const doc = parseAllDocuments(text)
    .map((d) => d.toJS() as ManifestDoc)
    .find((d) => d.kind === 'Service');
  if (!doc) throw new Error(`${TIMING_MANIFEST} has no Service`);
  return kedaTimingFromManifest(doc);
}

/**
 * How `npm start` runs inference: pinned by INFERENCE_REPLICAS, or scaled with the dashboard's
 * KEDA_* numbers (which test/deploy checks equal the manifests') and the manifest's timing,
 * divided by STACK_AUTOSCALE_TIME_SCALE.
 */
export function localAutoscalerMode(c: Config, repoRoot: string): ReplicaMode {
  if (c.stack.inferenceReplicas !== undefined) return { pinned: c.stack.inferenceReplicas };
  const a = c.alerts;
  return {
    autoscale: {
      listLength: a.kedaListLength,
      activationListLength: a.kedaActivationListLength,
      inFlightLength: a.kedaInFlightLength,
      activationInFlightLength: a.kedaActivationInFlightLength,
      minReplicas: a.kedaMinReplicas,
      maxReplicas: a.kedaMaxReplicas,
      ...scaleTiming(manifestTiming(repoRoot), c.stack.autoscaleTimeScale),
    },
  };
}
