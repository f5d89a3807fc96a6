import fs from 'node:fs/promises';
import path from 'node:path';
import { CloudEvent, HTTP } from 'cloudevents';
import { JPEG_VIDEO_METADATA_SINCE, PINNED_VLLM_VERSION, type VllmSimHandle } from '../../../simulator/vllm/src';
import { EventType } from '../../shared/src/events';
import { startInference } from '../src/app/start-inference';
import { makeModelClip } from '../src/adapters/ffmpeg';
import { prepareFromModelClip } from '../src/adapters/prepare';
import { fileUrl } from '../src/core/media';
import { sceneClip, startRecordingProxy, tempDir, verdicts, prepareSettings } from './helpers';
import { inferenceSuite } from './suite';
import { waitUntil, makeTestClip } from '../../../test/support';
import { probeStreams } from '../../../test/support/media';

/**
 * The request contract with vLLM + Qwen3-VL (issue #11) and the hostile-input bounds of issue
 * #18 (3, 4, 7), end to end through a real Redis, real ffmpeg and vllm-sim (a simulator of vLLM
 * at a chosen vLLM version: the GPU model is what cannot exist here).
 */
jest.setTimeout(90_000);

describe('media contract and failure policy (Redis + ffmpeg + vllm-sim)', () => {
  const suite = inferenceSuite();
  const { redis, cleanups, sim, start } = suite;
  async function proxy(s: VllmSimHandle) {
    const p = await startRecordingProxy(s.url);
    cleanups.push(() => p.close());
    return p;
  }
  const setup = (vllmUrl: string, over: Record<string, string> = {}) =>
    suite.setup('clips', {
      VLLM_BASE_URL: vllmUrl,
      INFERENCE_PIPELINE: 'sequential',
      QUEUE_MAX_ATTEMPTS: '3',
      ...over,
    });
  /** Frame count (decoded, not the header's) and size of an inline data:video/mp4 part. */
  async function decodeInline(url: string): Promise<{ frames: number; width: number; height: number }> {
    const dir = await tempDir('decoded');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'clip.mp4');
    await fs.writeFile(file, Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'));
    const [s] = await probeStreams(file, 'nb_read_frames,width,height', { video: true, countFrames: true });
    return { frames: Number(s!.nb_read_frames), width: Number(s!.width), height: Number(s!.height) };
  }

  describe.each([PINNED_VLLM_VERSION, JPEG_VIDEO_METADATA_SINCE])('vLLM %s', (version) => {
    test.each(['video-frames', 'video-file', 'images'])(
      'VIDEO_INPUT=%s: a verdict; every video part is video/mp4 or file://; the clip has fps × seconds frames ≤ VIDEO_MAX_SIDE',
      async (mode) => {
        const s = await sim({ vllmVersion: version });
        const p = await proxy(s);
        const { clipsDir, config, keys, queue } = await setup(p.url, { VIDEO_INPUT: mode });
        const clip = await sceneClip('no_hard_hat', clipsDir, 'cam1', new Date('2026-11-28T23:00:00Z'));
        await start(config);
        expect(await suite.verdictOf(queue, keys, clip.job)).toEqual({ status: 'warning', types: ['no_hard_hat'] });
        const req = p.seen.at(-1)!;
        expect(req.status).toBe(200);
        const kinds = new Set(req.mediaUrls.map((u) => u.slice(0, u.indexOf(';') > 0 ? u.indexOf(';') : 7)));
        if (mode === 'images') {
          expect([...kinds]).toEqual(['data:image/jpeg']);
          expect(req.mmProcessorKwargs).toBeUndefined();
        } else {
          for (const k of kinds) expect(['data:video/mp4', 'file://']).toContain(k);
          expect(req.mmProcessorKwargs).toEqual({ fps: 2, do_sample_frames: false });
          const [final] = req.finalMedia;
          expect(final).toMatch(/^data:video\/mp4;base64,/); // no capture-made model clip in the job: inference makes it inline
          const decoded = await decodeInline(final!);
          expect(decoded.frames).toBe(config.inference.videoFps * (clip.job.durationMs / 1000));
          expect(Math.max(decoded.width, decoded.height)).toBeLessThanOrEqual(config.inference.videoMaxSide);
        }
        expect(req.mediaUrls.join('\n')).not.toContain('data:video/jpeg');
      },
    );
  });

  test("vLLM answers 500 to one camera's clips (/health 200): exactly those are dead-lettered with the server's message within QUEUE_MAX_ATTEMPTS; the others get verdicts", async () => {
    const s = await sim({ faults: { failPromptContaining: 'Camera: cam3\n' } });
    const p = await proxy(s);
    const { clipsDir, config, keys, queue } = await setup(p.url);
    const good = [
      await sceneClip('fire', clipsDir, 'cam1', new Date('2026-11-28T23:00:00Z')),
      await sceneClip('safe', clipsDir, 'cam1', new Date('2026-11-28T23:00:05Z')),
    ];
    const bad = [
      await sceneClip('fire', clipsDir, 'cam3', new Date('2026-11-28T23:00:00Z')),
      await sceneClip('safe', clipsDir, 'cam3', new Date('2026-11-28T23:00:05Z')),
    ];
    await start(config);
    for (const c of [bad[0]!, good[0]!, bad[1]!, good[1]!]) await queue.enqueue(c.job);
    await waitUntil(async () => (await queue.depth()).dead >= 2 && (await redis.xlen(keys.verdicts)) >= 2, {
      timeoutMs: 30_000,
      what: 'two dead letters and two verdicts',
    });
    const dead = await queue.deadLetters();
    expect(dead.map((d) => (JSON.parse(d.job) as { cameraId: string }).cameraId).sort()).toEqual(['cam3', 'cam3']);
    for (const d of dead) expect(d.reason).toContain('vllm-sim: injected failure for prompts containing');
    expect((await verdicts(redis, keys.verdicts)).map((v) => v.jobId).sort()).toEqual(good.map((c) => c.job.id).sort());
    const cam3Requests = p.seen.filter((r) => r.finalText.includes('Camera: cam3'));
    expect(cam3Requests).toHaveLength(bad.length * config.queue.maxAttempts);
    expect((await fetch(s.url.replace(/\/v1$/, '/health'))).status).toBe(200);
  });

  describe('push path (clip.captured CloudEvent): the same per-job function, 503 for "retry later"', () => {
    async function pushStart(s: VllmSimHandle, over: Record<string, string> = {}) {
      const { clipsDir, config } = await setup(s.url, { INFERENCE_PULL: 'false', ...over });
      const h = await startInference(config, { serveHttp: true });
      cleanups.push(() => h.stop(2000));
      const post = (job: object, id: string) => {
        const m = HTTP.binary(
          new CloudEvent({
            type: EventType.clipCaptured,
            source: '/cameras/x',
            id,
            data: job,
            datacontenttype: 'application/json',
          }),
        );
        return fetch(`${h.url}/`, {
          method: 'POST',
          headers: m.headers as Record<string, string>,
          body: m.body as string,
        });
      };
      return { clipsDir, post };
    }

    test("a poisoned request (500, /health 200) answers 503, not 500, with the server's message", async () => {
      const s = await sim({ faults: { failPromptContaining: 'Camera: cam3\n' } });
      const { clipsDir, post } = await pushStart(s);
      const clip = await sceneClip('fire', clipsDir, 'cam3', new Date('2026-11-28T23:00:00Z'));
      const res = await post(clip.job, 'poisoned');
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: string }).error).toContain('injected failure');
    });

    test('issue #18.7: past INFERENCE_PUSH_CONCURRENCY the push path answers 503 at once; the admitted ones get verdicts', async () => {
      const s = await sim({ faults: { delayMs: 1500 } });
      const { clipsDir, post } = await pushStart(s, { INFERENCE_PUSH_CONCURRENCY: '1' });
      const clips = await Promise.all(
        [0, 5, 10].map((sec, i) =>
          sceneClip('safe', clipsDir, `cam${i + 1}`, new Date(Date.parse('2026-11-28T23:00:00Z') + sec * 1000)),
        ),
      );
      const statuses = await Promise.all(clips.map(async (c, i) => (await post(c.job, `e${i}`)).status));
      expect(statuses.filter((x) => x === 200)).toHaveLength(1);
      expect(statuses.filter((x) => x === 503)).toHaveLength(2);
    });
  });

  test('issue #18.4: an HLS playlist saved as .mp4 inside CLIPS_DIR, naming a video outside it, is dead-lettered and nothing outside is read', async () => {
    const s = await sim();
    const p = await proxy(s);
    const { clipsDir, config, queue } = await setup(p.url);
    const outside = await tempDir('outside');
    cleanups.push(() => fs.rm(outside, { recursive: true, force: true }));
    const secret = path.join(outside, 'secret.ts');
    await makeTestClip(secret, {
      source: 'testsrc',
      width: 320,
      height: 240,
      fps: 10,
      seconds: 3,
      container: 'mpegts',
    });
    await fs.mkdir(path.join(clipsDir, 'cam1'), { recursive: true });
    await fs.writeFile(
      path.join(clipsDir, 'cam1', 'evil.mp4'),
      `#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3.0,\nfile://${secret}\n#EXT-X-ENDLIST\n`,
    );
    await start(config);
    await queue.enqueue({
      v: 1,
      id: 'cam1-evil',
      cameraId: 'cam1',
      path: 'cam1/evil.mp4',
      startedAt: '2026-11-28T23:00:00.000Z',
      durationMs: 3000,
      bytes: 100,
      attempt: 0,
    });
    const [dead] = await waitUntil(async () => ((await queue.depth()).dead >= 1 ? queue.deadLetters() : undefined), {
      timeoutMs: 20_000,
      what: 'the dead letter',
    });
    expect(dead!.reason).toMatch(/corrupt clip: ffmpeg exited/);
    expect(p.seen).toHaveLength(0);
  });

  test('issue #18.3: a clip longer than CLIP_MAX_SECONDS is dead-lettered before decode; no decode reads past it', async () => {
    const s = await sim();
    const p = await proxy(s);
    const { clipsDir, config, keys, queue } = await setup(p.url, { CLIP_MAX_SECONDS: '4', SEGMENT_SECONDS: '2' });
    const clip = await sceneClip('safe', clipsDir, 'cam1', new Date('2026-11-28T23:00:00Z'));
    await start(config);
    // It says one hour: refused by its length, never decoded nor sent.
    await queue.enqueue({ ...clip.job, id: 'cam1-hour', durationMs: 3_600_000 });
    const [dead] = await waitUntil(async () => ((await queue.depth()).dead >= 1 ? queue.deadLetters() : undefined), {
      timeoutMs: 20_000,
      what: 'the dead letter',
    });
    expect(dead!.reason).toMatch(/clip too long: 3600 s > CLIP_MAX_SECONDS=4/);
    expect(p.seen).toHaveLength(0);
    // It says 4 s but the file holds 5 s: the decode stops at CLIP_MAX_SECONDS (4 s × 2 fps = 8 frames).
    await queue.enqueue({ ...clip.job, durationMs: 4000 });
    await waitUntil(() => redis.exists(keys.verdictDone(clip.job.id)), { timeoutMs: 20_000, what: 'the verdict' });
    expect((await decodeInline(p.seen.at(-1)!.finalMedia[0]!)).frames).toBe(8);
  });

  test('a job naming a capture-made model clip: file:// zero copy (video-file), its bytes (video-frames), its frames (images); path guard first', async () => {
    const clipsDir = await tempDir('clips');
    cleanups.push(() => fs.rm(clipsDir, { recursive: true, force: true }));
    const clip = await sceneClip('fire', clipsDir, 'cam1', new Date('2026-11-28T23:00:00Z'));
    await fs.mkdir(path.join(clipsDir, 'cam1', '.model'), { recursive: true });
    const rel = 'cam1/.model/20261128T230000Z.mp4';
    const s = prepareSettings(clipsDir);
    const info = await makeModelClip(path.join(clipsDir, clip.job.path), path.join(clipsDir, rel), s);
    const ref = { path: rel, fps: info.fps, frames: info.frames };
    expect(await prepareFromModelClip(ref, s)).toEqual({
      kind: 'file',
      url: fileUrl(path.join(await fs.realpath(clipsDir), rel)),
      fps: 2,
      frames: 10,
    });
    expect(await prepareFromModelClip(ref, { ...s, mode: 'video-frames' })).toMatchObject({
      kind: 'mp4',
      fps: 2,
      frames: 10,
    });
    const frames = await prepareFromModelClip(ref, { ...s, mode: 'images' });
    expect(frames.kind === 'frames' && frames.frames.length).toBe(10);
    await expect(prepareFromModelClip({ ...ref, path: '../outside.mp4' }, s)).rejects.toMatchObject({
      name: 'PathRejectedError',
    });
  });
});
