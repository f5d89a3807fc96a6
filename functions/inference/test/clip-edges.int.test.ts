import fs from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startVllmSim, type VllmSimHandle } from '../../../simulator/vllm/src';
import { redisKeys } from '../../shared/src/keys';
import { ClipQueue } from '../../shared/src/queue';
import type { ClipJob } from '../../shared/src/clip-job';
import { startInference } from '../src/app/start-inference';
import { makeModelClip } from '../src/adapters/ffmpeg';
import { REDIS_URL, run, sceneClip, startRecordingProxy, tempDir, testConfig, testEnv, verdicts } from './helpers';
import { withBrokenTail, withHeaderFpsScaled } from '../../../test/support/mp4-edit';
import { waitUntil, deleteKeysUnder } from '../../../test/support';

/**
 * Presampled model clips at their edges (issue #27), end to end through Redis, ffmpeg and vllm-sim
 * at the pinned vLLM 0.12.0 (a simulator: the GPU model is what cannot exist here). Inference sends
 * `do_sample_frames: false`, so a header that says 2.02 fps and a broken frame are judged on the
 * frames that decode; a 1-frame clip is refused by Qwen3-VL's processor (400) and dead-lettered
 * with that reason, not retried.
 */
jest.setTimeout(90_000);

describe('model clip edge cases (Redis + ffmpeg + vllm-sim 0.12.0)', () => {
  const redis = new Redis(REDIS_URL);
  let sim: VllmSimHandle;
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  let clipsDir: string;
  let prefix: string;
  let stop: () => Promise<void>;
  let queue: ClipQueue;
  let keys: ReturnType<typeof redisKeys>;

  beforeAll(async () => {
    sim = await startVllmSim({ port: 0 });
    proxy = await startRecordingProxy(sim.url);
    clipsDir = await tempDir('edges');
    const env = testEnv({ CLIPS_DIR: clipsDir, VLLM_BASE_URL: proxy.url, INFERENCE_PIPELINE: 'sequential' });
    prefix = env.REDIS_PREFIX!;
    const config = testConfig(env);
    keys = redisKeys(config.common.redisPrefix);
    queue = new ClipQueue(redis, { keys, maxAttempts: config.queue.maxAttempts, heartbeatTtlSeconds: 3 });
    const h = await startInference(config, { serveHttp: false });
    stop = () => h.stop(2000);
  });
  afterAll(async () => {
    await stop();
    await queue.close();
    await proxy.close();
    await sim.close();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
    await fs.rm(clipsDir, { recursive: true, force: true });
  });

  /** A fire clip of cam1 whose model clip is `edit(clean model clip)`. */
  async function jobWith(
    second: number,
    edit: (clean: Buffer, abs: string) => Promise<Buffer>,
    frames = 10,
  ): Promise<ClipJob> {
    const { job } = await sceneClip(
      'fire',
      clipsDir,
      'cam1',
      new Date(Date.parse('2026-11-28T23:00:00Z') + second * 1000),
    );
    const rel = `cam1/.model/${path.basename(job.path)}`;
    const abs = path.join(clipsDir, rel);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    const s = { fps: 2, maxSide: 448, sampling: 'fps' as const, maxClipSeconds: 15 };
    await makeModelClip(path.join(clipsDir, job.path), abs, s);
    const bytes = await edit(await fs.readFile(abs), abs);
    await fs.writeFile(abs, bytes);
    return { ...job, model: { path: rel, fps: 2, frames, sampling: 'fps', maxSide: 448 } };
  }
  async function oneFrame(_clean: Buffer, abs: string): Promise<Buffer> {
    const one = `${abs}.one.mp4`;
    await run('ffmpeg', [
      '-hide_banner',
      '-v',
      'error',
      '-i',
      abs,
      '-frames:v',
      '1',
      '-c',
      'copy',
      '-movflags',
      '+faststart',
      '-y',
      one,
    ]);
    return fs.readFile(one);
  }

  test('fps 2.02 in the header and a broken frame are judged; the request says do_sample_frames false', async () => {
    const jobs = [
      await jobWith(0, async (b) => withHeaderFpsScaled(b, 1.01)),
      await jobWith(5, async (b) => withBrokenTail(b)),
    ];
    for (const j of jobs) await queue.enqueue(j);
    await waitUntil(async () => (await redis.xlen(keys.verdicts)) >= 2, { timeoutMs: 30_000, what: 'two verdicts' });
    const got = await verdicts(redis, keys.verdicts);
    expect(got.map((v) => v.status)).toEqual(['danger', 'danger']);
    for (const r of proxy.seen) expect(r.mmProcessorKwargs).toEqual({ fps: 2, do_sample_frames: false });
    expect((await queue.depth()).dead).toBe(0);
  });

  test("a 1-frame model clip is dead-lettered at once with the processor's reason", async () => {
    const job = await jobWith(10, oneFrame, 1);
    const sent = proxy.seen.length;
    await queue.enqueue(job);
    const [dead] = await waitUntil(async () => ((await queue.depth()).dead >= 1 ? queue.deadLetters() : undefined), {
      timeoutMs: 30_000,
      what: 'the dead letter',
    });
    expect(dead!.reason).toContain('HTTP 400');
    expect(dead!.reason).toContain('t:1 must be larger than temporal_factor:2');
    expect(proxy.seen.length - sent).toBe(1); // not retried: a 400 is this clip's fault for good
  });
});
