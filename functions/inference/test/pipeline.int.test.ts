import fs from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SCENES } from '../../../simulator/cameras/src';
import { startVllmSim, type VllmSimHandle } from '../../../simulator/vllm/src';
import { sceneClip, startRecordingProxy, tempDir, verdicts, type SceneClip } from './helpers';
import { inferenceSuite } from './suite';
import { waitUntil } from '../../../test/support';

/**
 * End to end through the real queue, a real Redis, real ffmpeg and vllm-sim (a simulator of
 * vLLM: no GPU here), with clips cut from rtsp-sim's rendered scenes.
 */
jest.setTimeout(90_000);

/** A job's fields but its id and path, for jobs that point at what is not a clip. */
const base = {
  v: 1 as const,
  cameraId: 'cam1',
  startedAt: '2026-11-28T22:00:00.000Z',
  durationMs: 5000,
  bytes: 1,
  attempt: 0,
};

describe('inference pipeline (Redis + ffmpeg + vllm-sim)', () => {
  const suite = inferenceSuite();
  const { redis, cleanups, start } = suite;
  let sim: VllmSimHandle;

  beforeAll(async () => {
    sim = await startVllmSim({ port: 0, allowedMediaPath: realpathSync(os.tmpdir()) });
  });
  afterAll(() => sim.close());

  const setup = (over: Record<string, string> = {}, vllmUrl?: string) =>
    suite.setup('clips', { VLLM_BASE_URL: vllmUrl ?? sim.url, ...over });

  test('every rtsp-sim scene gets its expected status and hazard types; the prefix is identical on every request and mostly cached', async () => {
    const { clipsDir, config, keys, queue } = await setup();
    const proxy = await startRecordingProxy(sim.url);
    cleanups.push(() => proxy.close());
    const t0 = Date.parse('2026-11-28T20:00:00Z');
    const clips: SceneClip[] = [];
    for (const [i, scene] of SCENES.entries())
      clips.push(await sceneClip(scene.name, clipsDir, `cam${i + 1}`, new Date(t0 + i * 5000)));
    // A second clip of the safe scene warms the cache before the measured ones.
    const h = await start({ ...config, common: { ...config.common, vllmBaseUrl: proxy.url } });
    for (const c of clips) await queue.enqueue(c.job);

    const got = await waitUntil(
      async () => {
        const v = await verdicts(redis, keys.verdicts);
        return v.length >= clips.length ? v : undefined;
      },
      { timeoutMs: 60_000, what: 'a verdict for every scene clip' },
    );
    for (const c of clips) {
      const v = got.find((x) => x.jobId === c.job.id);
      const expectedStatus =
        c.expected.length === 0
          ? 'safe'
          : c.expected.some((t) => t === 'fire' || t === 'person_fall')
            ? 'danger'
            : 'warning';
      // Exactly the ground truth's hazard types (the fire scene's ground truth includes its smoke plume).
      const types = [...new Set(v?.hazards.map((x) => x.type))].sort();
      expect({ scene: c.scene, status: v?.status, types }).toEqual({
        scene: c.scene,
        status: expectedStatus,
        types: c.expected,
      });
    }
    // Prefix: byte-identical on every request (and equal to what the process computed at start-up).
    expect(new Set(proxy.seen.map((s) => s.prefixHash))).toEqual(new Set([h.prefixHash]));
    // After warm-up, most prompt tokens come from the prefix cache. Warm-up = every request sent
    // before the first answer came back: the server can only reuse a prefix it has computed, and
    // with parallel preparer lanes (PREPARE_WORKERS) the first requests go out together.
    const firstAnswer = Math.min(...proxy.seen.map((s) => s.answeredAt ?? Infinity));
    const warm = proxy.seen.filter((s) => s.sentAt > firstAnswer).map((s) => s.usage!);
    expect(warm.length).toBeGreaterThanOrEqual(3);
    const ratio =
      warm.reduce((a, u) => a + (u.prompt_tokens_details?.cached_tokens ?? 0), 0) /
      warm.reduce((a, u) => a + u.prompt_tokens, 0);
    process.stdout.write(
      `cached-token ratio after warm-up: ${ratio.toFixed(3)} over ${warm.length} requests (prompt ≈ ${warm[0]?.prompt_tokens} tokens)\n`,
    );
    expect(ratio).toBeGreaterThanOrEqual(0.8);
    // Every job acked, done markers written, nothing dead.
    expect(await queue.depth()).toEqual({ pending: 0, dead: 0 });
    const markers = await Promise.all(clips.map((c) => redis.get(keys.verdictDone(c.job.id))));
    expect(markers.every((m) => m && 'incident' in JSON.parse(m))).toBe(true);
    // Danger scenes raised alerts at once (k-of-n does not delay them).
    const raised = suite.sink.events
      .filter((e) => e.type === 'com.safetyhanta.alert.raised')
      .map((e) => e.data.hazardType);
    expect(raised).toEqual(expect.arrayContaining(['fire', 'person_fall']));
  });

  test('an answer that breaks the schema is retried once, then stored as uncertain with the reason', async () => {
    const { clipsDir, config, keys, queue } = await setup();
    const a = await sceneClip('fire', clipsDir, 'cam1', new Date('2026-11-28T21:00:00Z'));
    const b = await sceneClip('fire', clipsDir, 'cam2', new Date('2026-11-28T21:00:05Z'));
    await start(config, { pipeline: 'sequential' });
    const before = sim.metrics().requests;
    sim.setFaults({ breakSchema: 2 });
    await suite.judged(queue, keys, a.job, 'verdict of the broken answers');
    expect(sim.metrics().requests - before).toBe(2);
    sim.setFaults({ breakSchema: 1 });
    await suite.judged(queue, keys, b.job, 'verdict after one broken answer');
    expect(sim.metrics().requests - before).toBe(4);
    const v = await verdicts(redis, keys.verdicts);
    expect(v.find((x) => x.jobId === a.job.id)).toMatchObject({
      status: 'uncertain',
      reason: expect.stringMatching(/schema|JSON/),
    });
    expect(v.find((x) => x.jobId === b.job.id)).toMatchObject({ status: 'danger' });
    expect(JSON.parse((await redis.get(keys.verdictDone(a.job.id)))!)).toEqual({
      status: 'uncertain',
      incident: false,
    });
  });

  test("a corrupt or empty clip is dead-lettered with ffmpeg's reason, not retried", async () => {
    const { clipsDir, config, queue } = await setup();
    await fs.mkdir(path.join(clipsDir, 'cam1'), { recursive: true });
    await fs.writeFile(path.join(clipsDir, 'cam1', 'garbage.mp4'), Buffer.alloc(4096, 7));
    await fs.writeFile(path.join(clipsDir, 'cam1', 'empty.mp4'), Buffer.alloc(0));
    await start(config);
    await queue.enqueue({ ...base, id: 'garbage', path: 'cam1/garbage.mp4' });
    await queue.enqueue({ ...base, id: 'empty', path: 'cam1/empty.mp4' });
    const dead = await waitUntil(async () => ((await queue.depth()).dead >= 2 ? queue.deadLetters() : undefined), {
      timeoutMs: 20_000,
      what: 'two dead letters',
    });
    for (const d of dead) expect(d.reason).toMatch(/corrupt clip: ffmpeg exited|empty clip/);
    expect((await queue.stats()).retried ?? 0).toBe(0);
  });

  test.each([
    ['images', 'fps'],
    ['video-file', 'fps'],
    ['video-frames', 'keyframes'],
  ])('VIDEO_INPUT=%s VIDEO_SAMPLING=%s judges a clip correctly', async (input, sampling) => {
    const { clipsDir, config, keys, queue } = await setup({ VIDEO_INPUT: input, VIDEO_SAMPLING: sampling });
    const clip = await sceneClip('no_hard_hat', clipsDir, 'cam1', new Date('2026-11-28T23:00:00Z'));
    await start(config);
    expect(await suite.verdictOf(queue, keys, clip.job)).toEqual({ status: 'warning', types: ['no_hard_hat'] });
  });

  test('a job whose path escapes CLIPS_DIR is dead-lettered and never sent to the model', async () => {
    const { clipsDir, config, keys, queue } = await setup({ VIDEO_INPUT: 'video-file' });
    const outside = await tempDir('outside');
    cleanups.push(() => fs.rm(outside, { recursive: true, force: true }));
    const real = await sceneClip('fire', outside, 'cam9', new Date('2026-11-28T22:00:00Z'));
    const secret = path.join(outside, real.job.path);
    await fs.mkdir(path.join(clipsDir, 'cam1'), { recursive: true });
    await fs.symlink(secret, path.join(clipsDir, 'cam1', 'link.mp4'));
    const jobs = [
      { ...base, id: 'abs', path: secret },
      { ...base, id: 'dotdot', path: `../${path.basename(outside)}/${real.job.path}` },
      { ...base, id: 'symlink', path: 'cam1/link.mp4' },
    ];
    const before = sim.metrics().requests;
    await start(config);
    for (const j of jobs) await queue.enqueue(j);
    await queue.enqueueRaw('{"v":1,"id":"bad"}');
    const dead = await waitUntil(async () => ((await queue.depth()).dead >= 4 ? queue.deadLetters() : undefined), {
      timeoutMs: 20_000,
      what: 'four dead letters',
    });
    const reasons = dead.map((d) => d.reason).join('\n');
    for (const re of [/schema/, /absolute/, /contains "\.\."/, /outside CLIPS_DIR/]) expect(reasons).toMatch(re);
    expect(reasons).not.toMatch(/corrupt|ffmpeg/); // rejected before anything opened the file
    expect(sim.metrics().requests - before).toBe(0);
    expect(await redis.xlen(keys.verdicts)).toBe(0);
  });
});
