import fs from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_RENDER_OPTIONS, renderScene, SCENES, type RenderOptions } from '../../../simulator/cameras/src';
import { formatLabel, statusOf, type Label } from '../core/dataset';
import { planSyntheticClips } from '../core/synthetic-plan';
import { cutClip } from './ffmpeg';

export interface MakeSyntheticOptions {
  out: string;
  clips: number;
  seed: number;
  seconds?: number;
  render?: Partial<RenderOptions>;
  /** rtsp-sim's render cache (default `.safety-hanta/scenes`) */
  cacheDir?: string;
  log?: (line: string) => void;
}

/**
 * Renders (or reuses) every rtsp-sim scene, plans the windows, cuts them by stream copy into
 * `out/clips/` and writes `out/labels.jsonl`. Every scene the simulator defines is used
 * (safe, each hazard, and any scene added later), each as its own camera id.
 */
export async function makeSynthetic(o: MakeSyntheticOptions): Promise<Label[]> {
  const render = { ...DEFAULT_RENDER_OPTIONS, ...o.render };
  const rendered = [];
  for (const scene of SCENES)
    rendered.push(await renderScene(scene, { ...render, ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}) }));
  const plan = planSyntheticClips(
    rendered.map((r) => r.groundTruth),
    o.clips,
    o.seed,
    o.seconds ?? 5,
  );
  await fs.mkdir(path.join(o.out, 'clips'), { recursive: true });
  const labels: Label[] = [];
  for (const [i, p] of plan.entries()) {
    const r = rendered.find((x) => x.scene.name === p.scene)!;
    const clip = `clips/${String(i + 1).padStart(3, '0')}-${p.scene}-t${p.start}.mp4`;
    await cutClip(r.videoPath, p.start, p.seconds, path.join(o.out, clip));
    labels.push({
      clip,
      cameraId: `sim-${p.scene.replace(/_/g, '-')}`.slice(0, 64),
      status: statusOf(p.hazards),
      hazards: p.hazards,
      note: `rtsp-sim scene ${p.scene}, loop seconds [${p.start}, ${p.start + p.seconds})`,
      source: {
        generator: 'eval make-synthetic',
        scene: p.scene,
        sceneHash: r.hash,
        start: p.start,
        seconds: p.seconds,
        render,
        seed: o.seed,
      },
    });
    o.log?.(`${clip}: ${p.hazards.join(',') || 'safe'}`);
  }
  await fs.writeFile(path.join(o.out, 'labels.jsonl'), labels.map(formatLabel).join('\n') + '\n');
  return labels;
}
