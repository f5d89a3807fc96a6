/**
 * apiVersion/kind → offline schema validator. Knative and KEDA kinds come from
 * @kubernetes-models/knative and @kubernetes-models/keda (generated from the CRDs); core kinds
 * from kubernetes-models 4.x (the last line that runs on Node 20, generated from the
 * Kubernetes OpenAPI). `.validate()` throws with the failing JSON path.
 */
import { Broker } from '@kubernetes-models/knative/eventing.knative.dev/v1/Broker';
import { Trigger } from '@kubernetes-models/knative/eventing.knative.dev/v1/Trigger';
import { Service as KnativeService } from '@kubernetes-models/knative/serving.knative.dev/v1/Service';
import { SinkBinding } from '@kubernetes-models/knative/sources.knative.dev/v1/SinkBinding';
import { PingSource } from '@kubernetes-models/knative/sources.knative.dev/v1/PingSource';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { PodSpec } from 'kubernetes-models/v1/PodSpec';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service as CoreService } from 'kubernetes-models/v1/Service';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { Doc } from './manifests';

type Validatable = { validate(): void };
const models: Record<string, new (data: any) => Validatable> = {
  'serving.knative.dev/v1/Service': KnativeService,
  'eventing.knative.dev/v1/Broker': Broker,
  'eventing.knative.dev/v1/Trigger': Trigger,
  'sources.knative.dev/v1/SinkBinding': SinkBinding,
  'sources.knative.dev/v1/PingSource': PingSource,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Secret': Secret,
  'v1/Service': CoreService,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

/**
 * Validates a document against its schema; throws for an unknown kind (so a new kind must
 * be registered here, not silently skipped). A Knative Service's pod template is also
 * validated as a core PodSpec, since the Knative CRD schema leaves most of it open.
 */
export function validateDoc(doc: Doc): void {
  const key = `${doc.apiVersion}/${doc.kind}`;
  const Model = models[key];
  if (!Model) throw new Error(`no schema registered for ${key}`);
  new Model(doc).validate();
  if (key === 'serving.knative.dev/v1/Service') new PodSpec(doc.spec?.template?.spec).validate();
}

/** Validates a ScaledObject spec (e.g. from an override annotation) as a whole object. */
export function validateScaledObject(doc: Doc): void {
  new ScaledObject(doc as any).validate();
}
