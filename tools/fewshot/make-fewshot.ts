/**
 * Regenerates the default few-shot set in functions/inference/fewshot/ from rtsp-sim scenes:
 *
 *   npx tsx tools/fewshot/make-fewshot.ts [outDir] [--scenes safe,no_hard_hat,fire]
 *
 * For each scene: render it (rtsp-sim's cache), take a 5 s window where its hazard is present
 * (ground truth), make the model clip the way the preparer does (core/ffmpeg-args.ts
 * buildModelClipArgs: H.264 CFR 2 fps, long side 448, faststart, bitexact) as `clip.mp4`,
 * decode that clip's frames to `frame-NN.jpg` (images mode), and write `example.json` with the
 * clip's sha256 (its content-hash uuid, checked at load) and expected answers from the ground
 * truth (core/expected-verdict.ts), never by hand. Commit the output: inference loads these
 * bytes as they are at start-up, so every pod sends an identical prefix. Re-running with
 * another ffmpeg/x264 can change the bytes; that is a new prefix (a one-time cache miss).
 * `<scene>+zones` (e.g. restricted_zone_intrusion+zones) draws the scene's ground-truth zones
 * into the model clip, as inference does for a camera with zones (fewshot-zones.ts, issue #15).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { findScene, renderScene } from '../../simulator/cameras/src';
import { mp4VideoInfo } from '../../functions/shared/src/mp4-info';
import { buildFrameArgs, buildModelClipArgs, splitJpegs } from '../../functions/inference/src/core/ffmpeg-args';
import { DEFAULT_CAMERA_CONTEXT } from '../../functions/inference/src/core/camera-context';
import { expectedVerdict } from '../../functions/inference/src/core/expected-verdict';
import type { ExampleFile } from '../../functions/inference/src/adapters/fewshot';
import { drawnZones, parseExampleName } from './fewshot-zones';
import { hazardWindow } from './scene-windows';

const DEFAULT_SCENES = [
  'safe',
  'no_hard_hat',
  'no_safety_vest',
  'fire',
  'person_fall',
  'restricted_zone_intrusion+zones',
];
const SECONDS = 5;

function run(args: string[], stdin?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.end(stdin); // the zone overlay PNG, or closed at once
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`ffmpeg exited with ${code}`)),
    );
  });
}

/** The window as a model clip (`-ss` before the input: seek, then the usual args). */
async function modelClipOf(video: string, start: number, out: string, overlayPng?: Buffer): Promise<Buffer> {
  const args = buildModelClipArgs(video, out, {
    sampling: 'fps',
    fps: 2,
    maxSide: 448,
    maxSeconds: SECONDS,
    overlayOnStdin: overlayPng !== undefined,
  });
  const at = args.indexOf('-protocol_whitelist');
  args.splice(at, 0, '-ss', String(start));
  await run(args, overlayPng);
  return fs.readFile(out);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const scenesArg = args.indexOf('--scenes');
  const names = scenesArg >= 0 ? (args[scenesArg + 1] ?? '').split(',') : DEFAULT_SCENES;
  const outDir = path.resolve(
    args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--scenes') ??
      path.join(__dirname, '..', '..', 'functions', 'inference', 'fewshot'),
  );
  await fs.mkdir(outDir, { recursive: true });
  for (const [i, name] of names.entries()) {
    const { scene: sceneName, drawZones } = parseExampleName(name);
    const scene = findScene(sceneName);
    if (!scene) throw new Error(`unknown scene ${sceneName}`);
    const rendered = await renderScene(scene, { width: 1280, height: 720, fps: 25 });
    const window = hazardWindow(rendered.groundTruth, SECONDS);
    const zones = drawZones ? drawnZones(rendered.groundTruth) : undefined;
    const dir = path.join(outDir, `${String(i + 1).padStart(2, '0')}-${name.replace('+', '-')}`);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { recursive: true });
    const clipPath = path.join(dir, 'clip.mp4');
    const clip = await modelClipOf(rendered.videoPath, window.start, clipPath, zones?.overlayPng);
    const info = mp4VideoInfo(clip);
    // images mode: the same frames the clip holds (one JPEG per frame, no resampling).
    const frames = splitJpegs(
      await run(buildFrameArgs(clipPath, { sampling: 'fps', fps: info.fps, maxSide: 448, quality: 6 })),
    ).images;
    await Promise.all(frames.map((f, k) => fs.writeFile(path.join(dir, `frame-${String(k).padStart(2, '0')}.jpg`), f)));
    const example: ExampleFile = {
      cameraId: `example${i + 1}`,
      context: zones?.context ?? DEFAULT_CAMERA_CONTEXT,
      answers: expectedVerdict(window.types),
      clip: {
        file: 'clip.mp4',
        sha256: createHash('sha256').update(clip).digest('hex'),
        fps: info.fps,
        frames: info.frames,
        width: info.width,
        height: info.height,
      },
      source: {
        generator: 'tools/fewshot/make-fewshot.ts',
        scene: sceneName,
        drawnZones: drawZones,
        sceneHash: rendered.hash,
        start: window.start,
        seconds: SECONDS,
        fps: 2,
        maxSide: 448,
      },
    };
    await fs.writeFile(path.join(dir, 'example.json'), JSON.stringify(example, null, 2) + '\n');
    process.stdout.write(
      `${dir}: clip ${info.frames} frames ${info.width}x${info.height} @${info.fps} fps (${clip.length} B), ${frames.length} JPEGs, ${window.types.join(',') || 'safe'} (t=${window.start}s)\n`,
    );
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
