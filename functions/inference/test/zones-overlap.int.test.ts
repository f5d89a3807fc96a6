import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findScene, renderScene, type RenderedScene } from '../../../simulator/cameras/src/index';
import { startVllmSim, type VllmSimHandle } from '../../../simulator/vllm/src/index';
import { JPEG_VIDEO_METADATA_SINCE } from '../../../simulator/vllm/src/core/version';
import { parseCameraEntry, type Zone, ZONE_KINDS } from '../../shared/src/camera-registry/schema';
import { askVerdict } from '../../../test/support/vllm-chat';
import { MAX_TINTED_SHARE, renderZonesPng, renderZonesRgba } from '../../shared/src/zones/render';
import { FILL_ALPHA } from '../../shared/src/zones/overlay-style';
import { buildModelClipArgs } from '../src/core/ffmpeg-args';
import { cutCopy, runFfmpeg } from '../../../test/support';

/**
 * Issue #28.3 (real ffmpeg, real vllm-sim): the largest zone set the registry accepts (20 zones
 * of 32 points), every one covering the whole frame, drawn into the model clip of a hazard scene
 * (no_hard_hat, rtsp-sim's render at 640×360) through the production ffmpeg arguments
 * (VIDEO_MAX_SIDE 448). With one fill per pixel and at most half the frame tinted, vllm-sim
 * still sees the bare-headed worker; before, the stacked fills hid the scene (the probe saw a
 * solid orange frame).
 */
jest.setTimeout(120_000);

const run = promisify(execFile);
const MODEL = 'Qwen/Qwen3-VL-8B-Instruct';
const SCENES_DIR = path.resolve(__dirname, '../../../.safety-hanta/scenes');

/** A 32-point outline along the frame's border (a "full-frame" zone of the most points allowed). */
function fullFrame(i: number): Zone {
  const side = 8;
  const pts: [number, number][] = [];
  for (let k = 0; k < side; k++) pts.push([k / side, 0]);
  for (let k = 0; k < side; k++) pts.push([1, k / side]);
  for (let k = 0; k < side; k++) pts.push([1 - k / side, 1]);
  for (let k = 0; k < side; k++) pts.push([0, 1 - k / side]);
  return { name: `F${i}`, kind: ZONE_KINDS[i % ZONE_KINDS.length]!, polygon: pts };
}

describe('overlapping zones do not blind the model (issue #28.3)', () => {
  let dir: string;
  let sim: VllmSimHandle;
  let scene: RenderedScene;
  let cut: string;
  const zones = Array.from({ length: 20 }, (_, i) => fullFrame(i));

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zones-overlap-'));
    scene = await renderScene(findScene('no_hard_hat')!, { width: 640, height: 360, fps: 25, cacheDir: SCENES_DIR });
    const iv = scene.groundTruth.intervals.find((i) => i.type === 'no_hard_hat')!;
    const start = Math.max(0, Math.round(iv.from + (iv.to - iv.from - 5) / 2));
    cut = await cutCopy(scene.videoPath, path.join(dir, 'clip.mp4'), start, 5);
    sim = await startVllmSim({ model: MODEL, vllmVersion: JPEG_VIDEO_METADATA_SINCE, allowedMediaPath: dir });
  });
  afterAll(async () => {
    await sim?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function judge(file: string): Promise<string[]> {
    const v = await askVerdict(sim.url, MODEL, [{ type: 'video_url', video_url: { url: `file://${file}` } }]);
    return v.hazards.map((h) => h.type).sort();
  }

  it('the registry accepts the set, each pixel is tinted once, and vllm-sim still reports no_hard_hat', async () => {
    expect(parseCameraEntry({ id: 'cam1', url: 'rtsp://127.0.0.1/cam1', zones }).zones).toHaveLength(20);
    // bounded tint: no pixel more opaque than one fill, except outlines and labels, and at most
    // MAX_TINTED_SHARE of the frame tinted at all
    const rgba = renderZonesRgba(zones);
    let tintedPx = 0;
    for (let i = 3; i < rgba.length; i += 4) if (rgba[i]! > 0 && rgba[i]! <= FILL_ALPHA) tintedPx++;
    expect(tintedPx / (640 * 360)).toBeLessThanOrEqual(MAX_TINTED_SHARE);
    const opaque = [...Array(640 * 360).keys()].filter((i) => rgba[i * 4 + 3]! > FILL_ALPHA).length;
    expect(opaque / (640 * 360)).toBeLessThan(0.1); // outlines (2 px) and the labels' boxes

    const plain = path.join(dir, 'plain.mp4');
    await run('ffmpeg', buildModelClipArgs(cut, plain, { sampling: 'fps', fps: 2, maxSide: 448 }));
    expect(await judge(plain)).toContain('no_hard_hat'); // the scene itself
    const drawn = path.join(dir, 'zones.mp4');
    await runFfmpeg(
      buildModelClipArgs(cut, drawn, { sampling: 'fps', fps: 2, maxSide: 448, overlayOnStdin: true }),
      renderZonesPng(zones),
    );
    expect(await judge(drawn)).toContain('no_hard_hat');
  });
});
