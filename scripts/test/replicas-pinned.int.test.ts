/**
 * INFERENCE_REPLICAS=N with stand-in child processes (the supervisor's fake part, no model):
 * N replicas each with their own "vllm-sim", a replica that dies for good is replaced at the
 * next poll, and stopAll leaves nothing running. Real Redis for the status key.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisKeys } from '../../functions/shared/src/keys';
import { InferenceReplicas } from '../stack/replicas';
import type { PartSpec } from '../stack/part';
import { alive, waitUntil, withTimeout } from '../../test/support';

const REPO = path.resolve(__dirname, '../..');
const REDIS_URL = 'redis://127.0.0.1:6379';

describe('InferenceReplicas pinned (INFERENCE_REPLICAS; fake parts as child processes)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'replicas-pinned-'));
  const redis = new Redis(REDIS_URL);
  const prefix = `test-${randomUUID()}`;
  let set: InferenceReplicas | undefined;

  afterAll(async () => {
    await set?.stopAll(3000);
    await redis.del(redisKeys(prefix).stackReplicas);
    redis.disconnect();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('runs N replicas with their own server, replaces one that died, and stops them all', async () => {
    const fake = (name: string): PartSpec => ({
      name,
      main: 'scripts/test/fixtures/fake-part/main.ts',
      stopSignal: 'SIGTERM',
      env: { PATH: process.env.PATH ?? '', FAKE_MODE: 'ok', VLLM_BASE_URL: 'http://unused/v1' },
      readyUrl: '',
      url: '',
      after: [],
    });
    set = new InferenceReplicas({
      inference: fake('inference'),
      vllmSim: fake('vllm-sim'),
      partOptions: { repoRoot: REPO, logsDir: tmp, maxRestarts: 0 },
      redisUrl: REDIS_URL,
      prefix,
      mode: { pinned: 3 },
      graceMs: 5000,
      readyTimeoutMs: 30_000,
      // the replacement waits for the next poll: 0.5 s, not the stack's 5 s, which this test spent idle
      pinnedPollMs: 500,
    });
    await set.start();
    expect(set.running).toBe(3);
    const parts = set.parts();
    expect(parts.map((p) => p.spec.name).sort()).toEqual([
      'inference-1',
      'inference-2',
      'inference-3',
      'vllm-sim-1',
      'vllm-sim-2',
      'vllm-sim-3',
    ]);
    // each inference talks to its own server
    const sims = parts.filter((p) => p.spec.name.startsWith('vllm-sim')).map((p) => p.spec.url);
    const used = parts.filter((p) => p.spec.name.startsWith('inference')).map((p) => p.spec.env.VLLM_BASE_URL);
    expect(new Set(used)).toEqual(new Set(sims));
    expect(JSON.parse((await redis.get(redisKeys(prefix).stackReplicas)) ?? '{}')).toMatchObject({
      desired: 3,
      running: 3,
      pinned: true,
      reason: 'pinned by INFERENCE_REPLICAS=3',
    });

    // a replica dies for good (no restarts left): the next poll starts it again
    const victim = parts.find((p) => p.spec.name === 'inference-2')!;
    const pid = victim.pid!;
    // The state the death leaves it in, read right after the Part handled its exit (onExit sets it in the same
    // tick as 'died'): with a 0.5 s poll the replacement can start within milliseconds, so polling for 'failed'
    // could miss it.
    const leftIn = new Promise<string>((resolve) =>
      victim.once('died', () => process.nextTick(() => resolve(victim.state))),
    );
    process.kill(pid, 'SIGKILL');
    expect(await withTimeout(leftIn, 10_000, 'the replica to be down')).toBe('failed');
    await waitUntil(() => set!.running === 3 && victim.pid !== pid, {
      timeoutMs: 20_000,
      what: 'the replica to be replaced',
    });

    const pids = set.parts().map((p) => p.pid!);
    await set.stopAll(3000);
    set = undefined;
    expect(pids.filter(alive)).toEqual([]);
  }, 60_000);
});
