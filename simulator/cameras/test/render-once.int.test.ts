/**
 * Parallel test workers (and a second stack) ask for the same scene loop at once: real ffmpeg renders it once,
 * the other caller gets the cached file (render-lock.ts). A small size keeps the render to a fraction of a second.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { renderScene, SCENES } from '../src/index';

const SIZE = { width: 160, height: 90, fps: 5 };
const scene = SCENES.find((s) => s.name === 'fire')!;
let cacheDir: string;

beforeAll(async () => (cacheDir = await mkdtemp(path.join(os.tmpdir(), 'render-once-'))));
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

it('two renders of the same loop at once: one ffmpeg run, both get the same file', async () => {
  const [a, b] = await Promise.all([
    renderScene(scene, { ...SIZE, cacheDir }),
    renderScene(scene, { ...SIZE, cacheDir }),
  ]);
  expect([a.rendered, b.rendered].sort()).toEqual([false, true]);
  expect(a.videoPath).toBe(b.videoPath);
  expect((await stat(a.videoPath)).size).toBeGreaterThan(0);
  expect(a.groundTruth).toEqual(b.groundTruth);
});
