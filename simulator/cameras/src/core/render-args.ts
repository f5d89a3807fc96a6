import { PALETTE, REFERENCE_HEIGHT, REFERENCE_WIDTH, ffmpegColor } from '../../../shared/palette';
import { intervalsExpr, num, trackExpr, type Box } from './geometry';
import type { SceneDefinition } from './scene-model';
import { scenePrims, type Prim } from './shapes';

/** Bump when the drawing or encoding changes in a way the scene data does not show: invalidates every cache entry. */
export const RENDERER_VERSION = 2; // 2: ground truth labels the fire scene's smoke plume

export interface RenderOptions {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
}

export const DEFAULT_RENDER_OPTIONS: RenderOptions = { width: 1280, height: 720, fps: 25 };

/** Encoder settings; part of the cache hash. 1 s GOP, no B-frames, so 5 s segments cut cleanly on keyframes. */
export function encoderArgs(fps: number, preset = 'veryfast'): string[] {
  return [
    '-c:v',
    'libx264',
    '-preset',
    preset,
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(fps),
    '-keyint_min',
    String(fps),
    '-sc_threshold',
    '0',
    '-bf',
    '0',
  ];
}

/** Reference px → output px, the one mapping used by both the drawing and the ground truth. */
export function scaler(opts: RenderOptions) {
  const sx = opts.width / REFERENCE_WIDTH;
  const sy = opts.height / REFERENCE_HEIGHT;
  // yuv420p overlays need even sizes; never let a part vanish at small sizes.
  const size = (v: number, s: number) => Math.max(2, 2 * Math.round((v * s) / 2));
  return {
    x: (v: number) => v * sx,
    y: (v: number) => v * sy,
    w: (v: number) => size(v, sx),
    h: (v: number) => size(v, sy),
    box: (b: Box): Box => ({ x: Math.round(b.x * sx), y: Math.round(b.y * sy), w: size(b.w, sx), h: size(b.h, sy) }),
  };
}

function enableExpr(p: Prim): string {
  const vis = intervalsExpr(p.visible);
  if (!p.blink) return vis;
  const { period, phase } = p.blink;
  return `(${vis})*lt(mod(t+${num(phase)},${num(period)}),${num(period / 2)})`;
}

/**
 * The lavfi filter graph for a scene: a floor-coloured `color` source, then one step per
 * primitive. Still boxes are `drawbox` (its x/y are fixed at init in ffmpeg 5.1); moving ones
 * are `overlay`s of a small `color` source, whose x/y expressions are evaluated every frame.
 * Output pad: `[out]`.
 */
export function buildFilterGraph(scene: SceneDefinition, opts: RenderOptions): string {
  const s = scaler(opts);
  const d = num(scene.duration);
  const chains = [`color=c=${ffmpegColor(PALETTE.floor)}:s=${opts.width}x${opts.height}:r=${opts.fps}:d=${d}[v0]`];
  const prims = scenePrims(scene);
  prims.forEach((p, i) => {
    const from = `[v${i}]`;
    const to = i === prims.length - 1 ? '[out]' : `[v${i + 1}]`;
    const color = ffmpegColor(PALETTE[p.color]);
    const w = s.w(p.w);
    const h = s.h(p.h);
    const enable = enableExpr(p);
    if (p.track.length === 1) {
      const [, x, y] = p.track[0]!;
      chains.push(
        `${from}drawbox=x=${Math.round(s.x(x))}:y=${Math.round(s.y(y))}:w=${w}:h=${h}:color=${color}:t=fill:enable='${enable}'${to}`,
      );
    } else {
      chains.push(`color=c=${color}:s=${w}x${h}:r=${opts.fps}:d=${d}[p${i}]`);
      const xe = trackExpr(p.track, (k) => s.x(k[1]));
      const ye = trackExpr(p.track, (k) => s.y(k[2]));
      chains.push(`${from}[p${i}]overlay=x='${xe}':y='${ye}':enable='${enable}':eof_action=repeat${to}`);
    }
  });
  if (prims.length === 0) chains[0] = chains[0]!.replace('[v0]', '[out]');
  return chains.join(';\n');
}

/** Full ffmpeg argv that renders one loop of the scene to `outPath` (MP4, H.264). */
export function buildRenderArgs(scene: SceneDefinition, opts: RenderOptions, outPath: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-filter_complex',
    buildFilterGraph(scene, opts),
    '-map',
    '[out]',
    '-t',
    num(scene.duration),
    '-r',
    String(opts.fps),
    ...encoderArgs(opts.fps),
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    outPath,
  ];
}
