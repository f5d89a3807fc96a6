import fs from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createLogger } from '../../shared/src/logger';
import { modelClipPaths, THUMB_BYTES, type ModelClip } from '../../shared/src/model-clip';
import { redisKeys } from '../../shared/src/keys';
import { ClipQueue } from '../../shared/src/queue';
import { makeModelClip } from '../src/adapters/ffmpeg';
import { prepareJob } from '../src/adapters/prepare';
import { ThreadSource } from '../src/adapters/thread-source';
import { fileUrl } from '../src/core/media';
import { REDIS_URL, sceneClip, tempDir, prepareSettings } from './helpers';
import { waitUntil, deleteKeysUnder } from '../../../test/support';

jest.setTimeout(120_000);

/** Issue #13 parts 1–2: prepare from capture's model clip without decoding; fallback lanes in parallel. */
describe('model clips and preparer lanes (real ffmpeg, Redis)', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });

  async function clipWithModel(cameraId = 'cam1') {
    const clipsDir = await tempDir('model');
    cleanups.push(() => fs.rm(clipsDir, { recursive: true, force: true }));
    const clip = await sceneClip('fire', clipsDir, cameraId, new Date('2026-12-02T10:00:00Z'));
    const rel = modelClipPaths(clip.job.path);
    await fs.mkdir(path.join(clipsDir, path.dirname(rel.clip)), { recursive: true });
    const s = prepareSettings(clipsDir);
    // made the way capture makes it (the same args builder), thumbnails from the same spawn
    const info = await makeModelClip(path.join(clipsDir, clip.job.path), path.join(clipsDir, rel.clip), {
      ...s,
      thumbs: true,
    });
    await fs.writeFile(path.join(clipsDir, rel.thumbs), info.thumbs!);
    const model: ModelClip = {
      path: rel.clip,
      fps: info.fps,
      frames: info.frames,
      sampling: 'fps',
      maxSide: 448,
      thumbs: rel.thumbs,
    };
    return { clipsDir, s, job: { ...clip.job, model }, abs: path.join(await fs.realpath(clipsDir), rel.clip) };
  }

  test('a usable model clip is prepared with no ffmpeg at all (FFMPEG path missing): file://, inline bytes, thumbnails', async () => {
    const { s, job, abs } = await clipWithModel();
    const noFfmpeg = { ...s, ffmpegPath: '/nonexistent/ffmpeg' };
    const file = await prepareJob(job, noFfmpeg);
    expect(file.source).toBe('capture');
    expect(file.media).toEqual({ kind: 'file', url: fileUrl(abs), fps: 2, frames: 10 });
    expect(file.thumbs).toHaveLength(10);
    expect(file.thumbs!.every((t) => t.length === THUMB_BYTES)).toBe(true);
    const inline = await prepareJob(job, { ...noFfmpeg, mode: 'video-frames' });
    expect(inline.media).toMatchObject({ kind: 'mp4', fps: 2, frames: 10 });
    expect(inline.media.kind === 'mp4' && Buffer.from(inline.media.base64, 'base64')).toEqual(await fs.readFile(abs));
    // the control: the fallback really needs ffmpeg, so the runs above did not spawn it
    await expect(prepareJob({ ...job, model: undefined }, noFfmpeg)).rejects.toThrow(/could not run ffmpeg/);
  });

  test('header mismatch, other sampling or size → fallback (made here, with thumbnails from the same spawn)', async () => {
    const { s, job } = await clipWithModel();
    const header = await prepareJob({ ...job, model: { ...job.model, frames: 11 } }, s);
    expect(header).toMatchObject({ source: 'fallback', reason: 'header', media: { kind: 'mp4', frames: 10 } });
    expect(header.thumbs).toHaveLength(10);
    expect((await prepareJob(job, { ...s, fps: 1 })).reason).toBe('fps');
    expect((await prepareJob(job, { ...s, maxSide: 320 })).reason).toBe('size');
    expect((await prepareJob(job, { ...s, sampling: 'keyframes' })).reason).toBe('sampling');
  });

  test("a model clip outside the job camera's folder is refused (never used); the job falls back", async () => {
    const { clipsDir, s, job } = await clipWithModel('cam1');
    await fs.mkdir(path.join(clipsDir, 'cam2', '.model'), { recursive: true });
    const other = 'cam2/.model/x.mp4';
    await fs.copyFile(path.join(clipsDir, job.model.path), path.join(clipsDir, other));
    const noFfmpeg = { ...s, ffmpegPath: '/nonexistent/ffmpeg' };
    // refused before use: the only way left is the fallback, which needs ffmpeg
    await expect(prepareJob({ ...job, model: { ...job.model, path: other } }, noFfmpeg)).rejects.toThrow(
      /could not run ffmpeg/,
    );
    const r = await prepareJob({ ...job, model: { ...job.model, path: other } }, s);
    expect(r).toMatchObject({ source: 'fallback', reason: 'path' });
    expect((await prepareJob({ ...job, model: { ...job.model, path: '../outside.mp4' } }, s)).reason).toBe('path');
  });

  test('PREPARE_WORKERS=3: the preparer thread runs ≥ 2 fallback prepares at once', async () => {
    const { clipsDir, s, job } = await clipWithModel();
    // An ffmpeg wrapper that marks itself in progress and waits (bounded) until another one is:
    // with one lane at a time the barrier never fills and no line says ≥ 2. Once a line says ≥ 2, a
    // later wrapper (the 4th job, run when the others may be done) does not wait out the bound: its
    // 10 s of polling (3 processes every 0.1 s) cost more CPU than the rest of the test.
    const dir = await tempDir('lanes');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const wrapper = path.join(dir, 'ffmpeg');
    await fs.mkdir(path.join(dir, 'running'));
    await fs.writeFile(
      wrapper,
      `#!/bin/sh
R="${dir}/running"; touch "$R/$$"
i=0; while [ "$(ls "$R" | wc -l)" -lt 2 ] && ! grep -qs '^[2-9]' "${dir}/seen" && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
ls "$R" | wc -l >> "${dir}/seen"
ffmpeg "$@"; rc=$?; rm -f "$R/$$"; exit $rc
`,
      { mode: 0o755 },
    );
    const redis = new Redis(REDIS_URL);
    const prefix = `test-lanes-${Date.now()}`;
    const keys = redisKeys(prefix);
    const queue = new ClipQueue(redis, { keys, maxAttempts: 3, heartbeatTtlSeconds: 5 });
    cleanups.push(async () => {
      await queue.close();
      await deleteKeysUnder(redis, prefix);
      redis.disconnect();
    });
    for (let i = 0; i < 4; i++) await queue.enqueue({ ...job, id: `${job.id}-${i}`, model: undefined });
    const source = new ThreadSource(
      {
        redisUrl: REDIS_URL,
        redisPrefix: prefix,
        consumerId: 'lanes-test',
        maxAttempts: 3,
        heartbeatTtlSeconds: 5,
        prepareAhead: 4,
        lanes: 3,
        claimTimeoutSeconds: 1,
        settings: { ...s, clipsDir, mode: 'video-frames', ffmpegPath: wrapper },
        logLevel: 'silent',
      },
      () => undefined,
      createLogger('test', 'silent'),
    );
    cleanups.push(() => source.stop());
    const taken = [];
    for (let i = 0; i < 4; i++) taken.push(await source.take());
    expect(taken.every((t) => t?.media.kind === 'mp4')).toBe(true);
    const seen = (await fs.readFile(path.join(dir, 'seen'), 'utf8')).trim().split('\n').map(Number);
    expect(Math.max(...seen)).toBeGreaterThanOrEqual(2);
    await waitUntil(async () => (await fs.readdir(path.join(dir, 'running'))).length === 0, {
      timeoutMs: 10_000,
      what: 'lanes idle',
    });
  });
});
