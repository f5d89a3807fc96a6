/**
 * Rules the schemas cannot express (offline: no cluster, no admission webhooks). Each rule is
 * also run against a deliberately broken copy to show it can fail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../functions/shared/src/config';
import { EventType } from '../../functions/shared/src/events';
import { redisKeys } from '../../functions/shared/src/keys';
import { scaledObjectSpecOf } from '../../scripts/stack/manifest-scaling';
import {
  allContainers,
  allDocs,
  containersOf,
  id,
  isKnativeService,
  isOurImage,
  OVERLAYS,
  overlayDir,
  podAnnotations,
  podLabels,
  podSpecOf,
  REPO_ROOT,
  resolveKustomization,
  workloads,
  type Doc,
} from './manifests';
import {
  envViolations,
  featuresUsed,
  inlineSecretViolations,
  portViolations,
  probePortViolations,
  readOnlyVolumeViolations,
  securityViolations,
} from './rules';
import { validateScaledObject } from './schemas';
import {
  CAPTURE_MIB_PER_CAMERA,
  CAPTURE_MILLICORES_PER_CAMERA,
  CAPTURE_NODE_MIB,
  CAPTURE_NODE_MILLICORES,
} from './sizing';

const docs = allDocs().map((d) => d.doc);
const clone = (d: Doc): Doc => structuredClone(d);
const find = (kind: string, name: string, apiVersion?: string): Doc => {
  const d = docs.find(
    (x) => x.kind === kind && x.metadata?.name === name && (!apiVersion || x.apiVersion === apiVersion),
  );
  if (!d) throw new Error(`no ${kind} ${name}`);
  return d;
};
const ksvcs = docs.filter(isKnativeService);
const inferenceKsvc = find('Service', 'inference', 'serving.knative.dev/v1');
const inferenceDeploy = find('Deployment', 'inference');
const container = (doc: Doc, name: string): Doc =>
  containersOf(podSpecOf(doc) ?? {}).find((c) => c.name === name) as Doc;
const envOf = (c: Doc, name: string): string | undefined => (c.env ?? []).find((e: Doc) => e.name === name)?.value;
const OVERRIDE = 'autoscaling.knative.dev/scaled-object-override';
const HPA_CLASS = 'hpa.autoscaling.knative.dev';

describe('Knative Services', () => {
  it.each(ksvcs.map((d) => [id(d), d] as const))('%s: exactly one container declares a port', (_n, d) => {
    expect(portViolations(d)).toEqual([]);
  });

  it('the port rule fails when the sidecar declares a port', () => {
    const bad = clone(inferenceKsvc);
    bad.spec.template.spec.containers[1].ports = [{ containerPort: 8000 }];
    expect(portViolations(bad)).toHaveLength(1);
  });

  it.each(ksvcs.map((d) => [id(d), d] as const))(
    '%s: every podspec feature it uses is enabled in config-features',
    (_n, d) => {
      const enabled = find('ConfigMap', 'config-features').data as Record<string, string>;
      const missing = [...featuresUsed(d)].filter((f) => enabled[f] !== 'enabled');
      expect(missing).toEqual([]);
    },
  );

  it('config-features enables exactly what the services use', () => {
    const enabled = Object.entries(find('ConfigMap', 'config-features').data as Record<string, string>)
      .filter(([, v]) => v === 'enabled')
      .map(([k]) => k)
      .sort();
    const used = [...new Set(ksvcs.flatMap((d) => [...featuresUsed(d)]))].sort();
    expect(enabled).toEqual(used);
    expect(find('ConfigMap', 'config-features').metadata.namespace).toBe('knative-serving');
  });

  it('feature detection sees PVC writes, tolerations, init containers and fieldRef', () => {
    expect([...featuresUsed(inferenceKsvc)]).toEqual(
      expect.arrayContaining([
        'multi-container-probing',
        'kubernetes.podspec-persistent-volume-claim',
        'kubernetes.podspec-persistent-volume-write',
        'kubernetes.podspec-nodeselector',
        'kubernetes.podspec-tolerations',
      ]),
    );
    const bad = clone(find('Service', 'alerts', 'serving.knative.dev/v1'));
    bad.spec.template.spec.containers[0].env.push({
      name: 'X',
      valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
    });
    bad.spec.template.spec.initContainers = [{ name: 'init', image: 'busybox' }];
    expect(featuresUsed(bad).has('kubernetes.podspec-fieldref')).toBe(true);
    expect(featuresUsed(bad).has('kubernetes.podspec-init-containers')).toBe(true);
  });

  it('autoscaler-keda services keep min-scale ≥ 1 (the extension cannot scale from zero)', () => {
    const hpa = ksvcs.filter((d) => podAnnotations(d)['autoscaling.knative.dev/class'] === HPA_CLASS);
    expect(hpa.map((d) => d.metadata.name)).toEqual(['inference']);
    for (const d of hpa)
      expect(Number(podAnnotations(d)['autoscaling.knative.dev/min-scale'])).toBeGreaterThanOrEqual(1);
  });

  it('capture pins its replica count (min-scale = max-scale)', () => {
    const a = podAnnotations(find('Service', 'capture', 'serving.knative.dev/v1'));
    expect(a['autoscaling.knative.dev/min-scale']).toBeDefined();
    expect(a['autoscaling.knative.dev/min-scale']).toBe(a['autoscaling.knative.dev/max-scale']);
  });

  it('capture’s make-before-break hand-over fits inside its grace period (timeoutSeconds), with room to finalise and drain', () => {
    const ksvc = find('Service', 'capture', 'serving.knative.dev/v1');
    const handoff = Number(envOf(container(ksvc, 'capture'), 'CAPTURE_HANDOFF_TIMEOUT_SECONDS'));
    // + ffmpeg finalising (~1 s) + the CloudEvent drain (5 s) + Redis close (1 s) + slack
    expect(handoff).toBeGreaterThan(0);
    expect(podSpecOf(ksvc)?.timeoutSeconds).toBeGreaterThanOrEqual(handoff + 10);
  });

  it('every Service of ours is cluster-local', () => {
    for (const d of ksvcs)
      expect(`${d.metadata.name}:${d.metadata.labels?.['networking.knative.dev/visibility']}`).toBe(
        `${d.metadata.name}:cluster-local`,
      );
  });
});

describe('the scaled-object-override annotation', () => {
  const json = podAnnotations(inferenceKsvc)[OVERRIDE] as string;

  it('parses into a ScaledObject that validates once the extension fills in name and target', () => {
    const parsed = JSON.parse(json) as Doc;
    // What autoscaler-keda's setScaledObjectDefaults forces (keda.go): name, target, max.
    const so = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'inference-00001', namespace: 'safety-hanta' },
      ...parsed,
      spec: { ...parsed.spec, scaleTargetRef: { name: 'inference-00001-deployment' } },
    };
    expect(() => validateScaledObject(so)).not.toThrow();
    const bad = clone(so);
    bad.spec.triggers[0].metadata.listLength = 8;
    expect(() => validateScaledObject(bad)).toThrow();
  });

  it('sets advanced.horizontalPodAutoscalerConfig (the extension writes its name there: a bare `advanced` would nil-deref)', () => {
    const spec = (JSON.parse(json) as Doc).spec;
    if (spec.advanced) expect(spec.advanced.horizontalPodAutoscalerConfig).toBeDefined();
  });

  it('agrees with min-scale/max-scale (the extension forces maxReplicaCount from max-scale)', () => {
    const spec = (JSON.parse(json) as Doc).spec;
    const a = podAnnotations(inferenceKsvc);
    expect(spec.minReplicaCount).toBe(Number(a['autoscaling.knative.dev/min-scale']));
    if (spec.maxReplicaCount !== undefined)
      expect(spec.maxReplicaCount).toBe(Number(a['autoscaling.knative.dev/max-scale']));
  });
});

describe('KEDA triggers', () => {
  const scalers: Doc[] = [inferenceKsvc, ...docs.filter((d) => d.kind === 'ScaledObject')];

  it.each(scalers.map((d) => [id(d), d] as const))(
    '%s: the redis triggers watch the queue and its claimed set (keys.ts), in that order',
    (_n, d) => {
      const triggers = (scaledObjectSpecOf(d).triggers ?? []) as Doc[];
      const redis = triggers.filter((t) => t.type === 'redis');
      expect(redis.map((t) => t.metadata.listName)).toEqual([redisKeys('safety').clips, redisKeys('safety').claimed]);
      for (const t of redis) {
        expect(t.metadata.address).toBe('redis.safety-hanta.svc.cluster.local:6379');
        expect(t.authenticationRef?.name).toBe('redis-auth');
        expect(JSON.stringify(t.metadata)).not.toMatch(/password/i);
      }
    },
  );

  it('the scaled workloads use the same REDIS_PREFIX the listName was built from', () => {
    for (const d of [inferenceKsvc, inferenceDeploy])
      expect(envOf(container(d, 'inference'), 'REDIS_PREFIX')).toBe('safety');
  });

  it('the plain ScaledObject targets the inference Deployment, may scale to zero and scales down slowly', () => {
    const so = find('ScaledObject', 'inference');
    expect(so.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: inferenceDeploy.metadata.name });
    expect(so.spec.minReplicaCount).toBe(0);
    expect(so.spec.triggers[0].metadata.activationListLength).toBeDefined();
    const down = so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown;
    expect(down.stabilizationWindowSeconds).toBeGreaterThanOrEqual(300);
    expect(inferenceDeploy.spec.replicas).toBeUndefined(); // the HPA owns it
  });

  it('the TriggerAuthentication reads the password from the redis-auth Secret', () => {
    const ta = find('TriggerAuthentication', 'redis-auth');
    expect(ta.spec.secretTargetRef).toEqual([{ parameter: 'password', name: 'redis-auth', key: 'password' }]);
  });
});

describe('environment variables', () => {
  it.each(workloads(docs).map((d) => [id(d), d] as const))(
    '%s: every env var is declared by the config parser (ours) or listed (third-party)',
    (_n, d) => {
      expect(envViolations(d)).toEqual([]);
    },
  );

  it('the env rule fails on an undeclared or injected variable', () => {
    const bad = clone(inferenceKsvc);
    bad.spec.template.spec.containers[0].env.push(
      { name: 'VLLM_URL', value: 'x' },
      { name: 'K_SINK', value: 'http://x' },
    );
    expect(envViolations(bad)).toHaveLength(2);
  });

  it.each(
    allContainers(docs)
      .filter(({ container: c }) => isOurImage(c.image) && (c.env ?? []).length > 0)
      .map(({ doc, container: c }) => [`${id(doc)}/${c.name}`, c] as const),
  )('%s: the values pass the config parser', (_n, c) => {
    // Values from Secrets / the downward API get a representative stand-in.
    const standIn: Record<string, string> = {
      REDIS_URL: 'redis://:pw@redis.safety-hanta.svc.cluster.local:6379',
      CAMERA_INDEX: '3',
    };
    const env = Object.fromEntries((c.env as Doc[]).map((e) => [e.name, e.value ?? standIn[e.name] ?? '']));
    expect(() => parseConfig(env)).not.toThrow();
  });
});

describe('secrets', () => {
  it.each(docs.map((d) => [id(d), d] as const))('%s: no inline secret values', (_n, d) => {
    expect(inlineSecretViolations(d)).toEqual([]);
  });

  it('the secret rule fails on an inline password, a credential URL and a Secret with data', () => {
    const bad = clone(inferenceKsvc);
    bad.spec.template.spec.containers[0].env.push(
      { name: 'VLLM_API_KEY', value: 'abc' },
      { name: 'REDIS_URL', value: 'redis://:hunter2@r:6379' },
    );
    expect(inlineSecretViolations(bad)).toHaveLength(2);
    expect(
      inlineSecretViolations({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's' },
        stringData: { password: 'x' },
      }),
    ).toHaveLength(1);
  });

  it('no overlay creates a Secret', () => {
    for (const o of OVERLAYS)
      expect(resolveKustomization(overlayDir(o)).docs.filter((d) => d.kind === 'Secret')).toEqual([]);
  });
});

describe('probes and security', () => {
  it.each(workloads(docs).map((d) => [id(d), d] as const))(
    '%s: probe ports match the ports the containers listen on',
    (_n, d) => {
      expect(probePortViolations(d)).toEqual([]);
    },
  );

  it('the probe rule fails on a probe aimed at the wrong port', () => {
    const bad = clone(inferenceKsvc);
    bad.spec.template.spec.containers[1].startupProbe.httpGet.port = 8001;
    expect(probePortViolations(bad)).toHaveLength(1);
  });

  // vLLM's kernels write JIT caches in unconfigurable places (comment in the manifest).
  const writableRoot = new Set(['vllm']);
  it.each(workloads(docs).map((d) => [id(d), d] as const))(
    '%s: every container runs non-root, without escalation, read-only root FS',
    (_n, d) => {
      expect(securityViolations(d, writableRoot)).toEqual([]);
    },
  );

  it('the security rule fails on a root container', () => {
    const bad = clone(inferenceKsvc);
    bad.spec.template.spec.securityContext.runAsNonRoot = false;
    expect(securityViolations(bad, writableRoot).length).toBeGreaterThan(0);
  });
});

describe('inference pod', () => {
  it.each([inferenceKsvc, inferenceDeploy].map((d) => [id(d), d] as const))(
    '%s: the clip volume is read-only everywhere',
    (_n, d) => {
      expect(readOnlyVolumeViolations(d, 'clips')).toEqual([]);
    },
  );

  it('capture writes clips (read-write mount)', () => {
    expect(
      readOnlyVolumeViolations(find('Service', 'capture', 'serving.knative.dev/v1'), 'clips').length,
    ).toBeGreaterThan(0);
  });

  it('the Knative and the plain variant run the same containers, volumes and scheduling', () => {
    const a = podSpecOf(inferenceKsvc) as Doc;
    const b = podSpecOf(inferenceDeploy) as Doc;
    for (const k of ['containers', 'initContainers', 'volumes', 'nodeSelector', 'tolerations', 'securityContext'])
      expect(b[k]).toEqual(a[k]);
    expect(b.terminationGracePeriodSeconds).toBe(a.timeoutSeconds); // Knative derives the grace period from timeoutSeconds
  });

  const vllm = container(inferenceKsvc, 'vllm');
  const fn = container(inferenceKsvc, 'inference');
  const argv = [...vllm.command, ...vllm.args].join(' ');

  it('vLLM serves the model the function asks for, on the port VLLM_BASE_URL names', () => {
    expect(argv).toContain(`vllm serve ${envOf(fn, 'VLLM_MODEL')} `);
    expect(new URL(envOf(fn, 'VLLM_BASE_URL') as string).port).toBe(/--port (\d+)/.exec(argv)?.[1]);
  });

  it('vLLM carries the flags of docs/architecture.md §6.3', () => {
    for (const flag of [
      '--allowed-local-media-path',
      '--media-io-kwargs',
      '--limit-mm-per-prompt',
      '--enable-prompt-tokens-details',
      '--structured-outputs-config.backend',
    ]) {
      expect(argv).toContain(flag);
    }
    expect(argv).toContain(`'{"video":{"num_frames":-1}}'`);
    expect(argv).not.toMatch(/guided/);
  });

  it('vLLM may read the clips (CLIPS_DIR is --allowed-local-media-path, mounted at the same path)', () => {
    const allowed = /--allowed-local-media-path (\S+)/.exec(argv)?.[1] as string;
    const clips = envOf(fn, 'CLIPS_DIR') as string;
    expect(clips === allowed || clips.startsWith(`${allowed}/`)).toBe(true);
    expect((vllm.volumeMounts as Doc[]).some((m) => m.mountPath === clips && m.name === 'clips')).toBe(true);
    expect((fn.volumeMounts as Doc[]).some((m) => m.mountPath === clips && m.name === 'clips')).toBe(true);
  });

  it('the few-shot set is the one baked into the image; --limit-mm-per-prompt takes all examples + the clip + 2 more examples', () => {
    const dir = envOf(fn, 'FEWSHOT_DIR') as string;
    expect(dir.startsWith('/app/')).toBe(true); // WORKDIR of docker/inference.Dockerfile
    const inRepo = path.join(REPO_ROOT, dir.replace(/^\/app\//, ''));
    const examples = fs.readdirSync(inRepo, { withFileTypes: true }).filter((e) => e.isDirectory()).length;
    expect(examples).toBeGreaterThan(0);
    const limit = JSON.parse(/--limit-mm-per-prompt '([^']+)'/.exec(argv)?.[1] as string) as { video: number };
    // At examples + 1 a 7th example would turn every request into a 400 (audit 2026-12 W3): keep room for 2.
    expect(limit.video).toBeGreaterThanOrEqual(examples + 1 + 2);
  });

  it('GPU limit, GPU nodes, /dev/shm in memory, model cache volume', () => {
    const pod = podSpecOf(inferenceKsvc) as Doc;
    expect(vllm.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(pod.nodeSelector).toBeDefined();
    expect(pod.tolerations.some((t: Doc) => t.key === 'nvidia.com/gpu')).toBe(true);
    const shm = (vllm.volumeMounts as Doc[]).find((m) => m.mountPath === '/dev/shm');
    expect(pod.volumes.find((v: Doc) => v.name === shm?.name)?.emptyDir?.medium).toBe('Memory');
    const cache = (vllm.env as Doc[]).find((e) => e.name === 'HF_HOME')?.value as string;
    const cacheMount = (vllm.volumeMounts as Doc[]).find((m) => cache.startsWith(`${m.mountPath}/`));
    expect(pod.volumes.find((v: Doc) => v.name === cacheMount?.name)?.persistentVolumeClaim?.claimName).toBe(
      'model-cache',
    );
  });

  it('the startup probe budget fits inside the progress deadline, and the grace period covers the drain', () => {
    const p = vllm.startupProbe;
    const budget = p.periodSeconds * p.failureThreshold + (p.initialDelaySeconds ?? 0);
    const deadline = Number(
      String(podAnnotations(inferenceKsvc)['serving.knative.dev/progress-deadline']).replace(/s$/, ''),
    );
    expect(budget).toBeGreaterThanOrEqual(600); // model download + load + compile
    expect(deadline).toBeGreaterThan(budget);
    const drain = Number(/sleep (\d+)/.exec(argv)?.[1]);
    const vllmTimeoutS = Number(envOf(fn, 'VLLM_TIMEOUT_MS')) / 1000;
    expect(drain).toBeGreaterThan(vllmTimeoutS); // vLLM outlives the function's last request
    expect(podSpecOf(inferenceKsvc)?.timeoutSeconds).toBeGreaterThan(drain);
  });

  it('containerConcurrency equals INFERENCE_PUSH_CONCURRENCY (the pull loop is adaptive)', () => {
    expect(podSpecOf(inferenceKsvc)?.containerConcurrency).toBe(Number(envOf(fn, 'INFERENCE_PUSH_CONCURRENCY')));
    expect(envOf(fn, 'INFERENCE_CONCURRENCY')).toBeUndefined();
  });
});

describe('eventing', () => {
  const triggers = docs.filter((d) => d.kind === 'Trigger');

  it.each(OVERLAYS.map((o) => [o] as const))(
    '%s: camera.offline/online/updated reach the inference object of the overlay',
    (o) => {
      const r = resolveKustomization(overlayDir(o)).docs;
      const target = (t: Doc) =>
        r.find(
          (d) =>
            d.apiVersion === t.spec.subscriber.ref.apiVersion &&
            d.kind === t.spec.subscriber.ref.kind &&
            d.metadata.name === t.spec.subscriber.ref.name,
        );
      const toInference = r.filter((d) => d.kind === 'Trigger' && d.spec.subscriber.ref.name === 'inference');
      expect(toInference.map((t) => t.spec.filter.attributes.type).sort()).toEqual(
        [EventType.cameraOffline, EventType.cameraOnline, EventType.cameraUpdated].sort(),
      );
      for (const t of toInference) {
        const svc = target(t);
        expect(svc).toBeDefined();
        if (svc?.kind === 'Service' && svc.apiVersion === 'v1') {
          const pods = workloads(r).filter((w) =>
            Object.entries(svc.spec.selector).every(([k, v]) => podLabels(w)[k] === v),
          );
          expect(pods.map((w) => w.kind)).toEqual(['Deployment']);
          expect(svc.spec.ports[0].targetPort).toBe(container(pods[0] as Doc, 'inference').ports[0].containerPort);
        }
      }
    },
  );

  it('every event type alerts subscribes to has a Trigger to alerts (alert.*, verdict.created, camera.*)', () => {
    const routed = triggers
      .filter((t) => t.spec.subscriber.ref.name === 'alerts')
      .map((t) => t.spec.filter.attributes.type)
      .sort();
    // camera.updated is published by alerts itself (its cameras API) and goes to capture and inference
    const wanted = Object.values(EventType)
      .filter((t) => /\.(alert|camera)\.|verdict\.created$/.test(t) && t !== EventType.cameraUpdated)
      .sort();
    expect(routed).toEqual(wanted);
  });

  it.each(triggers.map((t) => [t.metadata.name, t] as const))('%s retries with backoff and dead-letters', (_n, t) => {
    expect(t.spec.delivery.retry).toBeGreaterThanOrEqual(3);
    expect(t.spec.delivery.backoffPolicy).toBe('exponential');
    expect(t.spec.delivery.backoffDelay).toMatch(/^PT/);
    const dls = t.spec.delivery.deadLetterSink.ref;
    expect(docs.some((d) => d.kind === dls.kind && d.metadata.name === dls.name)).toBe(true);
  });

  it('SinkBindings reach every workload that publishes events (label safety-hanta.io/emits-events)', () => {
    const bindings = docs.filter((d) => d.kind === 'SinkBinding');
    const publishers = workloads(docs).filter((d) =>
      ['capture', 'inference', 'capture-seed', 'alerts'].includes(d.metadata.name),
    );
    for (const w of publishers) {
      expect(w.metadata.labels?.['safety-hanta.io/emits-events']).toBe('true');
      const bound = bindings.some(
        (b) =>
          b.spec.subject.apiVersion === w.apiVersion &&
          b.spec.subject.kind === w.kind &&
          Object.entries(b.spec.subject.selector.matchLabels).every(([k, v]) => w.metadata.labels?.[k] === v),
      );
      expect(`${id(w)} bound=${bound}`).toBe(`${id(w)} bound=true`);
    }
  });
});

describe('network policies and Redis', () => {
  it('only capture, inference, alerts and notify carry the redis-client label', () => {
    const clients = workloads(docs)
      .filter((d) => podLabels(d)['safety-hanta.io/redis-client'] === 'true')
      .map((d) => podLabels(d)['app.kubernetes.io/name']);
    expect([...new Set(clients)].sort()).toEqual(['alerts', 'capture', 'capture-seed', 'inference', 'notify']);
  });

  it('Redis admits only the redis-client label and the KEDA operator', () => {
    const np = find('NetworkPolicy', 'redis-clients-only');
    const from = np.spec.ingress[0].from as Doc[];
    expect(from).toHaveLength(2);
    expect(from[0]).toEqual({ podSelector: { matchLabels: { 'safety-hanta.io/redis-client': 'true' } } });
    expect(from[1]?.namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('keda');
    expect(find('NetworkPolicy', 'default-deny-ingress').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
  });

  it('alerts admits only Knative Eventing and the Knative data path', () => {
    const np = find('NetworkPolicy', 'alerts-from-eventing-only');
    const namespaces = (np.spec.ingress[0].from as Doc[])
      .map((f) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name'])
      .sort();
    expect(namespaces).toEqual(['knative-eventing', 'knative-serving', 'kourier-system']);
    expect(np.spec.ingress[0].from.every((f: Doc) => f.podSelector === undefined)).toBe(true);
  });

  it('Redis persists with AOF and never evicts queue keys; the password comes from the Secret', () => {
    const conf = find('ConfigMap', 'redis-config').data['redis.conf'] as string;
    expect(conf).toMatch(/^appendonly yes$/m);
    expect(conf).toMatch(/^appendfsync everysec$/m);
    expect(conf).toMatch(/^maxmemory-policy noeviction$/m);
    const redis = container(find('StatefulSet', 'redis'), 'redis');
    expect(redis.env).toContainEqual({
      name: 'REDIS_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password' } },
    });
  });
});

describe('capture layouts', () => {
  it('seed layout: replicas = NUM_STREAMS and CAMERA_INDEX = the pod ordinal', () => {
    const sts = find('StatefulSet', 'capture-seed');
    const c = container(sts, 'capture');
    expect(sts.spec.replicas).toBe(Number(envOf(c, 'NUM_STREAMS')));
    expect(c.env.find((e: Doc) => e.name === 'CAMERA_INDEX').valueFrom.fieldRef.fieldPath).toBe(
      "metadata.labels['apps.kubernetes.io/pod-index']",
    );
  });

  it('lease mode: no CAMERA_INDEX, and the surviving replicas can still take every camera', () => {
    const ksvc = find('Service', 'capture', 'serving.knative.dev/v1');
    const c = container(ksvc, 'capture');
    expect(envOf(c, 'CAMERA_INDEX')).toBeUndefined();
    const replicas = Number(podAnnotations(ksvc)['autoscaling.knative.dev/max-scale']);
    expect((replicas - 1) * Number(envOf(c, 'CAPTURE_MAX_CAMERAS'))).toBeGreaterThanOrEqual(
      Number(envOf(c, 'NUM_STREAMS')),
    );
  });

  it('every capture variant and rtsp-sim agree on the camera count and reach rtsp-sim over TCP', () => {
    const captures = [find('Service', 'capture', 'serving.knative.dev/v1'), find('StatefulSet', 'capture-seed')].map(
      (d) => container(d, 'capture'),
    );
    const sim = container(find('Deployment', 'rtsp-sim'), 'publisher');
    for (const c of captures) {
      expect(envOf(c, 'NUM_STREAMS')).toBe(envOf(sim, 'NUM_STREAMS'));
      expect(envOf(c, 'RTSP_TRANSPORT')).toBe('tcp');
      expect(envOf(c, 'RTSP_URL_TEMPLATE')).toMatch(/^rtsp:\/\/rtsp-sim\.safety-hanta\.svc\.cluster\.local:8554\//);
    }
  });
});

describe('overlays', () => {
  it('smoke-no-gpu: inference runs without GPU and talks to vllm-sim', () => {
    const r = resolveKustomization(overlayDir('smoke-no-gpu')).docs;
    const inf = r.find((d) => d.kind === 'Deployment' && d.metadata.name === 'inference') as Doc;
    const pod = podSpecOf(inf) as Doc;
    expect(pod.containers.map((c: Doc) => c.name)).toEqual(['inference']);
    expect(pod.nodeSelector).toBeUndefined();
    expect(JSON.stringify(pod)).not.toContain('nvidia.com/gpu');
    const url = new URL(envOf(pod.containers[0], 'VLLM_BASE_URL') as string);
    const sim = r.find((d) => d.kind === 'Service' && d.apiVersion === 'v1' && d.metadata.name === 'vllm-sim') as Doc;
    expect(url.hostname).toBe(`${sim.metadata.name}.${sim.metadata.namespace}.svc.cluster.local`);
    expect(Number(url.port)).toBe(sim.spec.ports[0].port);
    // The raw manifest is untouched: patches apply to the resolved copy only.
    expect(container(inferenceDeploy, 'vllm')).toBeDefined();
  });

  it.each(OVERLAYS.map((o) => [o] as const))('%s: one inference, one capture, and the pieces they reference', (o) => {
    const r = resolveKustomization(overlayDir(o)).docs;
    const names = (kind: string) => r.filter((d) => d.kind === kind).map((d) => d.metadata.name);
    expect(workloads(r).filter((d) => d.metadata.name === 'inference')).toHaveLength(1);
    expect(workloads(r).filter((d) => podLabels(d)['app.kubernetes.io/component'] === 'capture')).toHaveLength(1);
    expect(names('TriggerAuthentication')).toEqual(['redis-auth']);
    for (const pvc of ['clips', 'model-cache']) expect(names('PersistentVolumeClaim')).toContain(pvc);
    expect(names('ConfigMap')).toContain('config-features');
  });
});

describe('capture sizing (docs/deploy.md §5: measured per camera × cameras per pod + the node process)', () => {
  const millicores = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
  const mib = (q: string) => (q.endsWith('Gi') ? Number(q.slice(0, -2)) * 1024 : Number(q.replace(/Mi$/, '')));
  const captureOf = (d: Doc) => container(d, 'capture');
  const covers = (c: Doc, cameras: number) => {
    const r = c.resources as { requests: { cpu: string; memory: string }; limits: { memory: string; cpu?: string } };
    return (
      millicores(r.requests.cpu) >= cameras * CAPTURE_MILLICORES_PER_CAMERA + CAPTURE_NODE_MILLICORES &&
      mib(r.requests.memory) >= Math.min(cameras * CAPTURE_MIB_PER_CAMERA + CAPTURE_NODE_MIB, 1024) &&
      mib(r.limits.memory) >= cameras * CAPTURE_MIB_PER_CAMERA + CAPTURE_NODE_MIB &&
      r.limits.cpu === undefined
    );
  };

  it('a lease pod requests its CAPTURE_MAX_CAMERAS cameras, a seed pod its one camera, and neither is CPU-throttled', () => {
    const lease = captureOf(find('Service', 'capture', 'serving.knative.dev/v1'));
    const cameras = Number(envOf(lease, 'CAPTURE_MAX_CAMERAS'));
    expect(cameras).toBeGreaterThan(0);
    expect(covers(lease, cameras)).toBe(true);
    expect(covers(captureOf(find('StatefulSet', 'capture-seed')), 1)).toBe(true);
  });

  it('fails for the old copy-only sizing (0.45 % per camera: 250m for 10 cameras)', () => {
    const old = clone(find('Service', 'capture', 'serving.knative.dev/v1'));
    captureOf(old).resources = { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } };
    expect(covers(captureOf(old), 10)).toBe(false);
  });
});
