import fs from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startVllmSim, type VllmSimHandle } from '../../../simulator/vllm/src';
import { redisKeys } from '../../shared/src/keys';
import { ClipQueue } from '../../shared/src/queue';
import type { ClipJob } from '../../shared/src/clip-job';
import { startInference } from '../src/app/start-inference';
import { makeModelClip } from '../src/adapters/ffmpeg';
import { MIN_VIDEO_FRAMES } from '../src/core/ffmpeg-args';
import { mp4VideoInfo } from '../../shared/src/mp4-info';
import { findScene, renderScene } from '../../../simulator/cameras/src';
import {
  REDIS_URL,
  cutClip,
  run,
  SCENE_RENDER,
  sceneClip,
  startRecordingProxy,
  tempDir,
  testConfig,
  testEnv,
  verdicts,
} from './helpers';
import { withBrokenTail, withHeaderFpsScaled } from '../../../test/support/mp4-edit';
import { waitUntil, deleteKeysUnder } from '../../../test/support';

/**
 * Presampled model clips at their edges (issue #27), end to end through Redis, ffmpeg and vllm-sim
 * at the pinned vLLM 0.12.0 (a simulator: the GPU model is what cannot exist here). Inference sends
 * `do_sample_frames: false`, so a header that says 2.02 fps and a broken frame are judged on the
 * frames that decode. Qwen3-VL's processor refuses a 1-frame video (400): a 1-frame model clip is
 * not sent (inference makes one from the evidence), and a clip shorter than one sampled frame (the
 * sliver a stop cuts) is judged on the frame it has, shown twice; neither is dead-lettered (issue #26.6).
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

  test('a 1-frame model clip is not sent: inference makes one from the evidence and judges it, no dead letter', async () => {
    const job = await jobWith(10, oneFrame, 1);
    const before = (await verdicts(redis, keys.verdicts)).length;
    await queue.enqueue(job);
    await waitUntil(async () => (await verdicts(redis, keys.verdicts)).length > before, {
      timeoutMs: 30_000,
      what: 'its verdict',
    });
    const got = (await verdicts(redis, keys.verdicts)).find((v) => v.jobId === job.id);
    expect(got?.status).toBe('danger');
    expect((await queue.depth()).dead).toBe(0);
  });

  test('a 240 ms sliver clip (no model clip) is judged on the frame it has, shown twice, no dead letter', async () => {
    const { scene } = await sceneClip('fire', clipsDir, 'cam2', new Date('2026-11-28T23:10:00Z'));
    const fire = await renderScene(findScene(scene)!, SCENE_RENDER);
    const job = await cutClip(fire.videoPath, 8, 0.24, clipsDir, 'cam2', new Date('2026-11-28T23:10:05Z'));
    const sent = proxy.seen.length;
    await queue.enqueue(job);
    await waitUntil(async () => (await verdicts(redis, keys.verdicts)).find((v) => v.jobId === job.id), {
      timeoutMs: 30_000,
      what: "the sliver's verdict",
    });
    expect((await queue.depth()).dead).toBe(0);
    const req = proxy.seen.slice(sent).find((r) => r.status === 200);
    expect(req?.finalMedia).toHaveLength(1);
    const mp4 = Buffer.from(req!.finalMedia[0]!.replace(/^data:video\/mp4;base64,/, ''), 'base64');
    expect(mp4VideoInfo(mp4).frames).toBe(MIN_VIDEO_FRAMES);
  });
});
