import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as jpeg from 'jpeg-js';
import { PALETTE } from '../../shared/palette';
import { renderAllScenes, type RenderedScene } from '../../cameras/src/index';
import { askVerdict } from '../../../test/support/vllm-chat';
import { cutCopy } from '../../../test/support/clips';
import { decodeJpeg } from '../src/adapters/decode';
import { analyzeFrame } from '../src/core/detector';
import { fillBox, type Frame } from '../src/core/frame';
import { startVllmSim, type VllmSimHandle } from '../src/index';
import { extractJpegFrames, videoFile, videoFrames } from './media-helpers';
import { JPEG_VIDEO_METADATA_SINCE } from '../src/core/version';

/** These tests send `data:video/jpeg` frame lists (the detector's cheapest input); vLLM accepts them for Qwen3-VL only from #37301 on. */
const JPEG_LIST_VERSION = JPEG_VIDEO_METADATA_SINCE;

/**
 * vllm-sim on rtsp-sim's rendered scenes (640×360, the shared render cache): each scene's 5 s
 * window where its ground truth shows the hazard — cut on keyframes like capture's segments —
 * must yield exactly that hazard, as JPEG frames and as a file:// URL.
 */
const SCENES_DIR = path.resolve(__dirname, '../../../.safety-hanta/scenes');
const SIZE = { width: 640, height: 360, fps: 25 };
jest.setTimeout(60000);

const MODEL = 'Qwen/Qwen3-VL-8B-Instruct';

let sim: VllmSimHandle;
let rendered: RenderedScene[];
let cuts: string;

/** A 5 s window inside the hazard interval (whole seconds, so a stream copy cuts on keyframes). */
function windowOf(r: RenderedScene): number {
  const iv = r.groundTruth.intervals.find((i) => i.type === r.scene.hazard);
  if (!iv) return 0;
  return Math.max(0, Math.min(r.scene.duration - 5, Math.round(iv.from + (iv.to - iv.from - 5) / 2)));
}

/** Ground-truth hazard types during [start, start+5) (the fire scene labels its smoke plume too). */
function expectedTypes(r: RenderedScene, start: number): string[] {
  const types = new Set<string>();
  for (const s of r.groundTruth.seconds)
    if (s.t >= start && s.t < start + 5) for (const h of s.hazards) types.add(h.type);
  return [...types].sort();
}

async function ask(content: unknown[]): Promise<{ status: string; hazards: string[] }> {
  const v = await askVerdict(sim.url, MODEL, content);
  return { status: v.status, hazards: v.hazards.map((h) => h.type).sort() };
}

function encode(f: Frame): string {
  const rgba = new Uint8Array(f.width * f.height * 4);
  for (let i = 0; i < f.width * f.height; i++)
    rgba.set([f.data[i * 3] ?? 0, f.data[i * 3 + 1] ?? 0, f.data[i * 3 + 2] ?? 0, 255], i * 4);
  return Buffer.from(jpeg.encode({ data: rgba, width: f.width, height: f.height }, 85).data).toString('base64');
}

const scene = (name: string) => rendered.find((r) => r.scene.name === name) as RenderedScene;

beforeAll(async () => {
  rendered = await renderAllScenes({ ...SIZE, cacheDir: SCENES_DIR });
  cuts = await mkdtemp(path.join(os.tmpdir(), 'vllm-sim-cuts-'));
  sim = await startVllmSim({ model: MODEL, vllmVersion: JPEG_LIST_VERSION, allowedMediaPath: cuts });
}, 120000);

afterAll(async () => {
  await sim?.close();
  if (cuts) await rm(cuts, { recursive: true, force: true });
});

describe('vllm-sim looks at rtsp-sim scenes', () => {
  it('every scene: its hazard window yields its ground-truth hazards, as frames and as file://', async () => {
    expect(rendered.length).toBeGreaterThanOrEqual(7);
    for (const r of rendered) {
      const start = windowOf(r);
      const want = expectedTypes(r, start);
      expect(want).toEqual(r.scene.hazard ? expect.arrayContaining([r.scene.hazard]) : []);
      const frames = await extractJpegFrames(r.videoPath, { ss: start, t: 5 });
      expect({ scene: r.scene.name, ...(await ask([videoFrames(frames)])) }).toEqual({
        scene: r.scene.name,
        status: expect.any(String),
        hazards: want,
      });
      const cut = await cutCopy(r.videoPath, path.join(cuts, `${r.scene.name}.mp4`), start, 5);
      expect({ scene: r.scene.name, ...(await ask([videoFile(cut)])) }).toEqual({
        scene: r.scene.name,
        status: expect.any(String),
        hazards: want,
      });
    }
  });

  it('painting over the hard hats of the safe scene makes no_hard_hat appear', async () => {
    const frames = (await extractJpegFrames(scene('safe').videoPath, { ss: 0, t: 5 })).map((b) =>
      decodeJpeg(Buffer.from(b, 'base64')),
    );
    expect((await ask([videoFrames(frames.map(encode))])).hazards).toEqual([]);
    const s = frames[0]!.width / 1280;
    for (const f of frames) {
      for (const w of analyzeFrame(f).workers) fillBox(f, w.x - 4, w.y - 60 * s, w.w + 8, 60 * s - 1, PALETTE.floor);
    }
    expect(await ask([videoFrames(frames.map(encode))])).toEqual({ status: 'warning', hazards: ['no_hard_hat'] });
  });

  it('painting over the flames and smoke of the fire scene makes it safe', async () => {
    const r = scene('fire');
    const start = windowOf(r);
    const frames = (await extractJpegFrames(r.videoPath, { ss: start, t: 5 })).map((b) =>
      decodeJpeg(Buffer.from(b, 'base64')),
    );
    expect((await ask([videoFrames(frames.map(encode))])).status).toBe('danger');
    const k = frames[0]!.width / SIZE.width;
    const [x, y, w, h] = r.groundTruth.seconds[start]!.hazards.find((hz) => hz.type === 'fire')!.box;
    // the plume is 1.4× as wide and 1.3× as tall as the flames and rises ≤ 60 reference px
    for (const f of frames)
      fillBox(f, (x - 0.3 * w) * k, (y - 1.3 * h - 40) * k, 1.6 * w * k, (2.3 * h + 45) * k, PALETTE.floor);
    expect(await ask([videoFrames(frames.map(encode))])).toEqual({ status: 'safe', hazards: [] });
  });
});
