import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { renderZonesPng } from '../../../functions/shared/src/zones/render';
import { zoneOverlayFilter } from '../../../functions/shared/src/zones/filter';
import { decodeJpeg } from '../src/adapters/decode';
import { analyzeClip } from '../src/core/detector';
import type { Frame } from '../src/core/frame';
import { drawScene } from './synthetic-scene';

const run = promisify(execFile);

/**
 * A zone the floor does not show, only the drawn overlay: the frame goes through the same
 * ffmpeg fragment the preparer uses (scale2ref + overlay), H.264-free but JPEG-encoded as sent.
 */
async function withDrawnZone(dir: string, f: Frame, polygon: [number, number][]): Promise<Frame> {
  const raw = path.join(dir, 'scene.rgb');
  const png = path.join(dir, 'zones.png');
  await fs.writeFile(raw, f.data);
  await fs.writeFile(png, renderZonesPng([{ name: 'Red zone', kind: 'restricted', polygon }]));
  const { stdout } = await run(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostdin',
      '-v',
      'error',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-s',
      `${f.width}x${f.height}`,
      '-i',
      raw,
      '-i',
      png,
      '-filter_complex',
      `[0:v]format=yuv420p[v];${zoneOverlayFilter('v', '1:v', 'vz')}`,
      '-map',
      '[vz]',
      '-frames:v',
      '1',
      '-f',
      'image2pipe',
      '-c:v',
      'mjpeg',
      '-q:v',
      '5',
      'pipe:1',
    ],
    { encoding: 'buffer', maxBuffer: 1 << 24 },
  );
  return decodeJpeg(stdout);
}

describe('vllm-sim sees a drawn restricted zone (real ffmpeg overlay, no painted floor)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'drawn-zone-'));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  // a fully equipped worker at (1000, 450) in the 1280×720 reference frame; no painted zone
  const scene = { workers: [{ x: 1000, y: 450, helmet: true, vest: true }] };

  it('a worker inside the drawn polygon is restricted_zone_intrusion', async () => {
    const f = await withDrawnZone(dir, drawScene(scene), [
      [0.7, 0.5],
      [0.95, 0.5],
      [0.95, 0.95],
      [0.7, 0.95],
    ]);
    expect(analyzeClip([f]).map((h) => h.type)).toEqual(['restricted_zone_intrusion']);
  });

  it('the same worker with the zone drawn elsewhere, or no zone, is safe', async () => {
    const elsewhere = await withDrawnZone(dir, drawScene(scene), [
      [0.05, 0.5],
      [0.3, 0.5],
      [0.3, 0.95],
      [0.05, 0.95],
    ]);
    expect(analyzeClip([elsewhere]).map((h) => h.type)).toEqual([]);
    expect(analyzeClip([drawScene(scene)]).map((h) => h.type)).toEqual([]);
  });
});
