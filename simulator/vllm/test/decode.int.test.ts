import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Frame } from '../src/core/frame';
import { VIDEO_DECODERS, decodeVideoFile } from '../src/adapters/video-decoder';
import { renderClip } from './media-helpers';

/**
 * Both video decoders (VLLM_SIM_DECODER=node-av|ffmpeg) on real H.264 clips: same frame count,
 * size and pixels (the same filter graph runs in both). The truncated-clip check (vLLM's "Expected
 * reading N frames") runs against both in versions.int.test.ts.
 */
const run = promisify(execFile);
let dir: string;
let clip: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vllm-sim-decode-'));
  const drawn = path.join(dir, 'drawn.mp4');
  // 3 s at 25 fps, 1280×720 drawn then scaled to 854×480: both paths must scale to 448×252.
  await renderClip(drawn, 'drawbox=x=200:y=100:w=300:h=200:color=red:t=fill', { seconds: 3, width: 854, height: 480 });
  // faststart (moov first, as capture writes clips), so a cut-off tail still has its header
  clip = path.join(dir, 'clip.mp4');
  await run('ffmpeg', ['-v', 'error', '-i', drawn, '-c', 'copy', '-movflags', '+faststart', clip]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function meanAbsDiff(a: readonly Frame[], b: readonly Frame[]): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = (a[i] as Frame).data;
    const y = (b[i] as Frame).data;
    for (let j = 0; j < x.length; j++) sum += Math.abs((x[j] as number) - (y[j] as number));
    n += x.length;
  }
  return sum / n;
}

describe.each(VIDEO_DECODERS)('decoder %s', (decoder) => {
  it.each([
    ['all' as const, 75],
    [2, 6],
  ])('fps %s: samples and scales the long side to 448 (%i frames of 448×252 RGB)', async (fps, count) => {
    const frames = await decodeVideoFile(decoder, clip, fps, 448);
    expect(frames).toHaveLength(count);
    expect(frames.map((f) => [f.width, f.height, f.channels, f.data.length])).toEqual(
      Array(count).fill([448, 252, 3, 448 * 252 * 3]),
    );
    // The drawn red box is there (pixels really decoded): centre of the box is red.
    const f = frames[0] as Frame;
    const x = Math.round((350 / 1280) * 448);
    const y = Math.round((200 / 720) * 252);
    const i = (y * 448 + x) * 3;
    expect(f.data[i]).toBeGreaterThan(200);
    expect(f.data[i + 1]).toBeLessThan(60);
    expect(f.data[i + 2]).toBeLessThan(60);
  });

  it('a file that is not media is a clear error', async () => {
    const bad = path.join(dir, `bad-${decoder}.mp4`);
    await writeFile(bad, 'not a video at all');
    await expect(decodeVideoFile(decoder, bad, 'all', 448)).rejects.toThrow(/./);
  });
});

it('node-av and the ffmpeg child give the same frames', async () => {
  for (const fps of ['all', 2] as const) {
    const [a, b] = await Promise.all(VIDEO_DECODERS.map((d) => decodeVideoFile(d, clip, fps, 448)));
    expect((a as Frame[]).length).toBe((b as Frame[]).length);
    // Different FFmpeg builds (CLI vs node-av's FFmpeg 8) may round a scaler tap differently.
    expect(meanAbsDiff((a as Frame[]).slice(0, 6), b as Frame[])).toBeLessThan(1.5);
  }
});
