/**
 * Cost of drawing zones into the model's frames:
 *
 *   npx tsx functions/inference/bench/zone-overlay.ts [runs]
 *
 * (1) rendering a zone set to PNG in-process (once per change, never per clip), (2) the preparer's
 * ffmpeg decode → fps 2 → scale 448 → JPEG of a 5 s 640×360 rtsp-sim clip with and without the
 * overlay composited, alternated run by run so both see the same machine load. Prints markdown.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findScene, renderScene } from '../../../simulator/cameras/src';
import type { Zone } from '../../shared/src/camera-registry/schema';
import { renderZonesPng } from '../../shared/src/zones/render';
import { extractFrames } from '../src/adapters/ffmpeg';

const run = promisify(execFile);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const zones: Zone[] = [
  {
    name: 'Press',
    kind: 'restricted',
    polygon: [
      [0.7, 0.52],
      [0.94, 0.52],
      [0.94, 0.89],
      [0.7, 0.89],
    ],
  },
  {
    name: 'Walkway',
    kind: 'walkway',
    polygon: [
      [0.05, 0.6],
      [0.6, 0.6],
      [0.6, 0.75],
      [0.05, 0.75],
    ],
  },
  {
    name: 'Lane 1',
    kind: 'forklift_lane',
    polygon: [
      [0.1, 0.1],
      [0.5, 0.05],
      [0.55, 0.3],
      [0.3, 0.4],
      [0.12, 0.3],
    ],
  },
];

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 10);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zone-bench-'));
  try {
    const scene = await renderScene(findScene('restricted_zone_intrusion')!, {
      width: 640,
      height: 360,
      fps: 25,
      cacheDir: path.join(dir, 'scenes'),
    });
    const clip = path.join(dir, 'clip.mp4');
    await run('ffmpeg', ['-v', 'error', '-ss', '5', '-t', '5', '-i', scene.videoPath, '-c', 'copy', '-y', clip]);
    const renderMs: number[] = [];
    let png: Buffer = Buffer.alloc(0);
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      png = renderZonesPng(zones);
      renderMs.push(performance.now() - t);
    }
    const opts = { sampling: 'fps' as const, fps: 2, maxSide: 448 };
    const plain: number[] = [];
    const drawn: number[] = [];
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      await extractFrames(clip, opts);
      plain.push(performance.now() - t);
      t = performance.now();
      await extractFrames(clip, { ...opts, overlayPng: png });
      drawn.push(performance.now() - t);
    }
    process.stdout.write(
      [
        `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}, ${new Date().toISOString()}`,
        '',
        '| step | median (ms) | runs |',
        '|---|---|---|',
        `| render 3 zones → PNG 640×360 (${png.length} bytes), in-process | ${median(renderMs).toFixed(1)} | ${runs} |`,
        `| prepare 5 s clip → 10 JPEG frames, no zones | ${median(plain).toFixed(0)} | ${runs} |`,
        `| prepare 5 s clip → 10 JPEG frames, zones composited | ${median(drawn).toFixed(0)} | ${runs} |`,
        `| overlay cost (ratio) | ${(median(drawn) / median(plain)).toFixed(2)}× | |`,
        '',
      ].join('\n'),
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
