import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cacheBaseName, sceneHash } from '../core/cache-key';
import { computeGroundTruth, sceneZones, type GroundTruth } from '../core/ground-truth';
import { buildRenderArgs, DEFAULT_RENDER_OPTIONS, type RenderOptions } from '../core/render-args';
import type { SceneDefinition } from '../core/scene-model';
import { SCENES } from '../core/scenes';
import { renderOnce } from './render-lock';

/** An undefined field means its default, so callers (sim.ts) can forward their own optional fields as they are. */
export interface RenderSceneOptions {
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  readonly fps?: number | undefined;
  /** where `<name>-<hash>.mp4/.json` live (default `.safety-hanta/scenes`) */
  readonly cacheDir?: string | undefined;
  /** ffmpeg binary (default `ffmpeg`) */
  readonly ffmpegPath?: string | undefined;
  /** aborting kills a running render (its temp files are removed) */
  readonly signal?: AbortSignal;
}

export interface RenderedScene {
  readonly scene: SceneDefinition;
  readonly hash: string;
  readonly videoPath: string;
  readonly groundTruthPath: string;
  readonly groundTruth: GroundTruth;
  /** false when the cached file was reused */
  readonly rendered: boolean;
  readonly elapsedMs: number;
}

export const DEFAULT_SCENES_DIR = '.safety-hanta/scenes';

const exists = (p: string) =>
  stat(p).then(
    (s) => s.isFile() && s.size > 0,
    () => false,
  );

function runFfmpeg(bin: string, args: string[], signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], signal, killSignal: 'SIGKILL' });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    // On abort 'error' fires first; wait for 'exit' so no ffmpeg outlives the promise.
    let failure: Error | undefined;
    child.on('error', (err) => (failure = err));
    child.on('exit', (code, sig) => {
      if (code === 0 && !failure) resolve();
      else reject(failure ?? new Error(`ffmpeg exited with ${sig ?? code}: ${stderr.trim()}`));
    });
  });
}

/**
 * Renders one scene loop into the cache, or reuses it when `<name>-<hash>.mp4` exists. Writes
 * temp files and renames them (ground truth first, video last), so a crashed render never
 * leaves a file that looks valid; processes asking for the same loop at once render it once
 * (render-lock.ts).
 */
export async function renderScene(scene: SceneDefinition, options: RenderSceneOptions = {}): Promise<RenderedScene> {
  const started = Date.now();
  const opts: RenderOptions = {
    width: options.width ?? DEFAULT_RENDER_OPTIONS.width,
    height: options.height ?? DEFAULT_RENDER_OPTIONS.height,
    fps: options.fps ?? DEFAULT_RENDER_OPTIONS.fps,
  };
  const dir = path.resolve(options.cacheDir ?? DEFAULT_SCENES_DIR);
  const base = path.join(dir, cacheBaseName(scene, opts));
  const videoPath = `${base}.mp4`;
  const groundTruthPath = `${base}.json`;
  const hash = sceneHash(scene, opts);
  const result = (groundTruth: GroundTruth, rendered: boolean): RenderedScene => ({
    scene,
    hash,
    videoPath,
    groundTruthPath,
    groundTruth,
    rendered,
    elapsedMs: Date.now() - started,
  });

  const cached = async () => (await exists(videoPath)) && (await exists(groundTruthPath));
  // zones come from the scene, not the cache: sidecars rendered before they existed get them too
  const fromCache = async () =>
    result(
      { ...(JSON.parse(await readFile(groundTruthPath, 'utf8')) as GroundTruth), zones: sceneZones(scene) },
      false,
    );
  if (await cached()) return fromCache();
  await mkdir(dir, { recursive: true });
  const rendered = await renderOnce(
    `${base}.lock`,
    cached,
    async () => {
      const tmp = `${base}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
      const groundTruth = computeGroundTruth(scene, opts);
      try {
        await runFfmpeg(options.ffmpegPath ?? 'ffmpeg', buildRenderArgs(scene, opts, `${tmp}.mp4`), options.signal);
        await writeFile(`${tmp}.json`, JSON.stringify(groundTruth, null, 1));
        await rename(`${tmp}.json`, groundTruthPath);
        await rename(`${tmp}.mp4`, videoPath);
      } finally {
        await rm(`${tmp}.mp4`, { force: true });
        await rm(`${tmp}.json`, { force: true });
      }
      return result(groundTruth, true);
    },
    options.signal,
  );
  return rendered ?? fromCache();
}

/**
 * Renders (or reuses) every scene, one at a time (x264 already uses both cores), calling
 * `onProgress` after each.
 */
export async function renderAllScenes(
  options: RenderSceneOptions & {
    readonly scenes?: readonly SceneDefinition[];
    readonly onProgress?: (done: number, total: number, r: RenderedScene) => void;
  } = {},
): Promise<RenderedScene[]> {
  const scenes = options.scenes ?? SCENES;
  const out: RenderedScene[] = [];
  for (const scene of scenes) {
    options.signal?.throwIfAborted();
    const r = await renderScene(scene, options);
    out.push(r);
    options.onProgress?.(out.length, scenes.length, r);
  }
  return out;
}
