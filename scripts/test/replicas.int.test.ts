/**
 * The local KEDA + HPA equivalent against a real Redis, with real inference processes, each
 * with its own vllm-sim (one simulated GPU each): a queued burst scales the replicas up, they
 * go back to min after it, and every job gets exactly one verdict (none lost, none judged twice).
 * Time constants are the Knative manifest's divided by 60 (poll 10 s → 0.17 s, scale-down
 * window 600 s → 10 s, 1 pod / 300 s → 1 pod / 5 s); counts and targets are the manifest's.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Redis } from 'ioredis';
import { redisKeys } from '../../functions/shared/src/keys';
import { ClipQueue } from '../../functions/shared/src/queue';
import { kedaTimingFromManifest, scalingSettingsFromManifest, type ManifestDoc } from '../stack/manifest-scaling';
import {
  REDIS_URL,
  sceneClip,
  startSink,
  tempDir,
  testEnv,
  verdicts,
  type Sink,
} from '../../functions/inference/test/helpers';
import { scaleTiming } from '../stack/autoscale';
import { InferenceReplicas, unplannedReplicaParts, type ReplicaStatus } from '../stack/replicas';
import { waitUntil, deleteKeysUnder } from '../../test/support';

jest.setTimeout(150_000);

const REPO = path.resolve(__dirname, '../..');
const TIME_SCALE = 60;

async function manifestSettings() {
  const text = await fs.readFile(path.join(REPO, 'knative/inference/service.yaml'), 'utf8');
  const doc = parseAllDocuments(text)
    .map((d) => d.toJS() as ManifestDoc)
    .find((d) => d.kind === 'Service')!;
  return { ...scalingSettingsFromManifest(doc), ...scaleTiming(kedaTimingFromManifest(doc), TIME_SCALE) };
}

describe('InferenceReplicas (local KEDA + HPA; real Redis, inference and vllm-sim processes)', () => {
  const redis = new Redis(REDIS_URL);
  let replicas: InferenceReplicas | undefined;
  let sink: Sink | undefined;
  let prefix = '';
  let clipsDir = '';
  let logsDir = '';

  afterAll(async () => {
    await replicas?.stopAll(5000);
    await sink?.close();
    if (prefix) await deleteKeysUnder(redis, prefix);
    for (const d of [clipsDir, logsDir]) if (d) await fs.rm(d, { recursive: true, force: true });
    redis.disconnect();
  });

  test('a queued burst scales 1 → 2, back to 1 after it; every job judged exactly once, no dead letters', async () => {
    clipsDir = await tempDir('replicas-clips');
    logsDir = await tempDir('replicas-logs');
    sink = await startSink();
    const env = testEnv({
      CLIPS_DIR: clipsDir,
      K_SINK: sink.url,
      LOG_LEVEL: 'warn',
      INFERENCE_CONCURRENCY: '2',
      PREPARE_AHEAD: '2',
      VLLM_SIM_HOST: '127.0.0.1',
      VLLM_SIM_ALLOWED_MEDIA_PATH: clipsDir,
      VLLM_SIM_OVERHEAD_MS: '1200',
    });
    prefix = env.REDIS_PREFIX!;
    const keys = redisKeys(prefix);
    const queue = new ClipQueue(redis, { keys, maxAttempts: 5, heartbeatTtlSeconds: 3 });
    const t0 = Date.parse('2026-12-02T06:00:00Z');
    const jobs = [];
    for (let i = 0; i < 24; i++)
      jobs.push(
        (
          await sceneClip(
            ['fire', 'safe', 'person_fall'][i % 3]!,
            clipsDir,
            `cam${(i % 6) + 1}`,
            new Date(t0 + Math.floor(i / 6) * 5000),
          )
        ).job,
      );

    // The manifests' activation, windows and policies, with small targets: the shipped ones
    // (listLength 186, in-flight 56: a GPU pod's 24.2 clips/s, docs/deploy.md §6) would need a burst of
    // ~50 clips, while this test is about the scaling mechanism, not the sizing.
    const settings = { ...(await manifestSettings()), maxReplicas: 2, listLength: 8, inFlightLength: 5 };
    const polls: ReplicaStatus[] = [];
    replicas = new InferenceReplicas({
      ...unplannedReplicaParts(env),
      partOptions: { repoRoot: REPO, logsDir, maxRestarts: 0 },
      redisUrl: REDIS_URL,
      prefix,
      mode: { autoscale: settings },
      graceMs: 15_000,
      readyTimeoutMs: 60_000,
      onPoll: (s) => polls.push(s),
    });
    await replicas.start();
    expect(replicas.running).toBe(1);

    for (const j of jobs) await queue.enqueue(j);
    await waitUntil(() => replicas!.running === 2, { timeoutMs: 60_000, what: 'a second replica under the burst' });
    const up = polls.find((p) => p.desired === 2)!;
    expect(up.reason).toMatch(/^1→2: (queued|in-flight) trigger/);

    await waitUntil(
      async () => (await verdicts(redis, keys.verdicts)).length >= jobs.length && (await queue.claimedCount()) === 0,
      { timeoutMs: 90_000, what: 'every job judged' },
    );
    await waitUntil(() => replicas!.desired === 1 && replicas!.running === 1, {
      timeoutMs: 60_000,
      what: 'back to min 1 after the burst',
    });
    expect(replicas.last?.reason).toMatch(/^2→1:/);

    const judged = (await verdicts(redis, keys.verdicts)).map((v) => v.jobId);
    expect(judged.sort()).toEqual(jobs.map((j) => j.id).sort()); // each exactly once
    expect(await queue.depth()).toEqual({ pending: 0, dead: 0 });
    expect(await queue.claimedCount()).toBe(0);
    // the stack's status key carries what the dashboard shows
    const shown = JSON.parse((await redis.get(keys.stackReplicas)) ?? '{}') as ReplicaStatus;
    expect(shown).toMatchObject({ desired: 1, min: 1, max: 2, pinned: false });
  });
});
