/**
 * Measures the unchanged-scene gate's difference (core/unchanged-gate.ts thumbsDifference: the largest pixel change)
 * between consecutive 5 s clips of the simulator's scenes, to pick UNCHANGED_THRESHOLD:
 * `npx tsx tools/gate/measure-unchanged.ts [scene…]`. Thumbnails are made exactly as inference's
 * fallback makes them (buildModelClipArgs with thumbs: one spawn, 2 fps, 32×18 gray).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findScene, renderScene } from '../../simulator/cameras/src';
import { makeModelClip } from '../../functions/inference/src/adapters/ffmpeg';
import { splitThumbs } from '../../functions/shared/src/model-clip';
import { thumbsDifference } from '../../functions/inference/src/core/unchanged-gate';

async function main(): Promise<void> {
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['safe', 'no_hard_hat', 'fire'];
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'measure-unchanged-'));
  try {
    const first: Record<string, Uint8Array[]> = {};
    for (const name of names) {
      const scene = findScene(name);
      if (!scene) throw new Error(`no scene ${name}`);
      const r = await renderScene(scene, { width: 640, height: 360, fps: 10 });
      const clips: Uint8Array[][] = [];
      for (let start = 0; ; start += 5) {
        const out = path.join(dir, `${name}-${start}.mp4`);
        const info = await makeModelClip(r.videoPath, out, {
          sampling: 'fps',
          fps: 2,
          maxSide: 448,
          thumbs: true,
          maxSeconds: start + 5,
        }).catch(() => undefined);
        if (!info?.thumbs) break;
        const frames = splitThumbs(info.thumbs).slice(start * 2, start * 2 + 10);
        if (frames.length < 10) break;
        clips.push(frames);
      }
      const diffs = clips.slice(1).map((c, i) => thumbsDifference(c, clips[i]!).toFixed(2));
      console.log(`${name}: ${clips.length} clips; consecutive differences: ${diffs.join(' ')}`);
      if (clips[0]) first[name] = clips[0];
    }
    // a hazard appearing in an otherwise unchanged view: each scene's first clip against the first scene's
    const [base, ...rest] = names;
    for (const name of rest) {
      const a = first[base!];
      const b = first[name];
      if (a && b) console.log(`${base} → ${name}: ${thumbsDifference(b, a).toFixed(2)}`);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

void main();
