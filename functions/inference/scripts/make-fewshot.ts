/**
 * Regenerates the default few-shot set in functions/inference/fewshot/ from rtsp-sim scenes:
 *
 *   npx tsx functions/inference/scripts/make-fewshot.ts [outDir] [--scenes safe,no_hard_hat,fire]
 *
 * For each scene: render it (rtsp-sim's cache), take a 5 s window where its hazard is present
 * (ground truth), decode it the way the preparer does (VIDEO_FPS 2, long side 448, JPEG) into
 * `frame-NN.jpg`, and write `example.json` whose expected answers come from the ground truth
 * (core/expected-verdict.ts), never by hand. Commit the output: inference loads these bytes
 * as they are at start-up, so every pod sends an identical prefix. Re-running with another
 * ffmpeg can change the bytes; that is a new prefix (a one-time cache miss), nothing worse.
 * `<scene>+zones` (e.g. restricted_zone_intrusion+zones) draws the scene's ground-truth zones
 * into the frames, as inference does for a camera with zones (fewshot-zones.ts).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { findScene, renderScene } from '../../../simulator/cameras/src';
import { buildFrameArgs, splitJpegs } from '../src/core/ffmpeg-args';
import { DEFAULT_CAMERA_CONTEXT } from '../src/core/camera-context';
import { expectedVerdict } from '../src/core/expected-verdict';
import type { ExampleFile } from '../src/adapters/fewshot';
import { hazardWindow } from './scene-windows';
import { drawnZones, parseExampleName } from './fewshot-zones';

const DEFAULT_SCENES = ['safe', 'no_hard_hat', 'no_safety_vest', 'fire', 'person_fall', 'restricted_zone_intrusion+zones'];
const SECONDS = 5;

function framesOf(video: string, start: number, overlayPng?: Buffer): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const args = ['-ss', String(start), '-t', String(SECONDS), ...buildFrameArgs(video, { sampling: 'fps', fps: 2, maxSide: 448, quality: 6, overlayOnStdin: overlayPng !== undefined })];
    const child = spawn('ffmpeg', args, { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.end(overlayPng);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(splitJpegs(Buffer.concat(chunks)).images) : reject(new Error(`ffmpeg exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const scenesArg = args.indexOf('--scenes');
  const names = scenesArg >= 0 ? (args[scenesArg + 1] ?? '').split(',') : DEFAULT_SCENES;
  const outDir = path.resolve(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--scenes') ?? path.join(__dirname, '..', 'fewshot'));
  await fs.mkdir(outDir, { recursive: true });
  for (const [i, name] of names.entries()) {
    const { scene: sceneName, drawZones } = parseExampleName(name);
    const scene = findScene(sceneName);
    if (!scene) throw new Error(`unknown scene ${sceneName}`);
    const rendered = await renderScene(scene, { width: 1280, height: 720, fps: 25 });
    const window = hazardWindow(rendered.groundTruth, SECONDS);
    const zones = drawZones ? drawnZones(rendered.groundTruth) : undefined;
    const frames = await framesOf(rendered.videoPath, window.start, zones?.overlayPng);
    const dir = path.join(outDir, `${String(i + 1).padStart(2, '0')}-${name.replace('+', '-')}`);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { recursive: true });
    await Promise.all(frames.map((f, k) => fs.writeFile(path.join(dir, `frame-${String(k).padStart(2, '0')}.jpg`), f)));
    const example: ExampleFile = {
      cameraId: `example${i + 1}`,
      context: zones?.context ?? DEFAULT_CAMERA_CONTEXT,
      answers: expectedVerdict(window.types),
      source: { generator: 'functions/inference/scripts/make-fewshot.ts', scene: sceneName, drawnZones: drawZones, sceneHash: rendered.hash, start: window.start, seconds: SECONDS, fps: 2, maxSide: 448 },
    };
    await fs.writeFile(path.join(dir, 'example.json'), JSON.stringify(example, null, 2) + '\n');
    process.stdout.write(`${dir}: ${frames.length} frames, ${window.types.join(',') || 'safe'} (t=${window.start}s)\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
