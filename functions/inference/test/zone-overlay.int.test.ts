import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Zone } from '../../shared/src/camera-registry/schema';
import { renderZonesPng } from '../../shared/src/zones/render';
import { buildModelClipArgs } from '../src/core/ffmpeg-args';
import { extractFrames } from '../src/adapters/ffmpeg';
import { makeTestClip, runFfmpeg } from '../../../test/support';
import { rawFrames } from '../../../test/support/media';

const W = 320;
const H = 180;
const zone: Zone = {
  name: 'Press',
  kind: 'restricted',
  polygon: [
    [0.3, 0.3],
    [0.8, 0.3],
    [0.8, 0.8],
    [0.3, 0.8],
  ],
};

/** First decoded frame of a video or image as packed RGB24 at W×H. */
const rgbOf = (file: string) => rawFrames(file, { vf: `scale=${W}:${H}` });
const px = (rgb: Buffer, x: number, y: number) =>
  Array.from(
    rgb.subarray((Math.round(y * H) * W + Math.round(x * W)) * 3, (Math.round(y * H) * W + Math.round(x * W)) * 3 + 3),
  );
const isGrey = ([r, g, b]: number[]) => Math.abs(r! - 128) <= 6 && Math.abs(g! - 128) <= 6 && Math.abs(b! - 128) <= 6;
const isRedTint = ([r, g, b]: number[]) => r! > 150 && g! < 110 && b! < 110;

describe('zones drawn into the model clip, never into the evidence (real ffmpeg)', () => {
  let dir: string;
  let evidence: string;
  let evidenceBefore: Buffer;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zones-tint-'));
    evidence = path.join(dir, 'evidence.mp4');
    // a flat grey scene (RGB 128) as capture would record it
    await makeTestClip(evidence, { source: 'color=c=0x808080', width: W, height: H, fps: 10, seconds: 2 });
    evidenceBefore = await fs.readFile(evidence);
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('model clip (H.264 MP4): tint inside the polygon, grey outside; evidence clip unchanged and grey', async () => {
    const model = path.join(dir, 'model.mp4');
    await runFfmpeg(
      buildModelClipArgs(evidence, model, { sampling: 'fps', fps: 2, maxSide: W, overlayOnStdin: true }),
      renderZonesPng([zone]),
    );
    const m = await rgbOf(model);
    expect(isRedTint(px(m, 0.55, 0.55))).toBe(true);
    expect(isRedTint(px(m, 0.4, 0.7))).toBe(true);
    for (const [x, y] of [
      [0.1, 0.1],
      [0.15, 0.9],
      [0.9, 0.5],
      [0.55, 0.9],
    ] as const)
      expect(isGrey(px(m, x, y))).toBe(true);

    const e = await rgbOf(evidence);
    for (const [x, y] of [
      [0.55, 0.55],
      [0.4, 0.7],
      [0.1, 0.1],
    ] as const)
      expect(isGrey(px(e, x, y))).toBe(true);
    expect((await fs.readFile(evidence)).equals(evidenceBefore)).toBe(true);
  });

  it('preparer frames (the inference ffmpeg path): every frame carries the zone', async () => {
    const frames = await extractFrames(evidence, {
      sampling: 'fps',
      fps: 2,
      maxSide: W,
      overlayPng: renderZonesPng([zone]),
    });
    expect(frames.length).toBeGreaterThanOrEqual(3);
    for (const [i, f] of [frames[0]!, frames[frames.length - 1]!].entries()) {
      const file = path.join(dir, `f${i}.jpg`);
      await fs.writeFile(file, f);
      const rgb = await rgbOf(file);
      expect(isRedTint(px(rgb, 0.55, 0.55))).toBe(true);
      expect(isGrey(px(rgb, 0.1, 0.9))).toBe(true);
    }
    // without zones: untouched grey frames
    const plain = await extractFrames(evidence, { sampling: 'fps', fps: 2, maxSide: W });
    await fs.writeFile(path.join(dir, 'plain.jpg'), plain[0]!);
    expect(isGrey(px(await rgbOf(path.join(dir, 'plain.jpg')), 0.55, 0.55))).toBe(true);
  });
});
