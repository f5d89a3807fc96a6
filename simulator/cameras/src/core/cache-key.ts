import { createHash } from 'node:crypto';
import { PALETTE } from '../../../shared/palette';
import { encoderArgs, RENDERER_VERSION, type RenderOptions } from './render-args';
import type { SceneDefinition } from './scene-model';

/**
 * Cache key of a rendered scene: covers the definition, the render options, the palette, the
 * encoder settings and RENDERER_VERSION. Same inputs → same hash; any change → a new file.
 */
export function sceneHash(scene: SceneDefinition, opts: RenderOptions): string {
  const payload = JSON.stringify({
    v: RENDERER_VERSION,
    scene,
    width: opts.width,
    height: opts.height,
    fps: opts.fps,
    palette: PALETTE,
    encoder: encoderArgs(opts.fps),
  });
  return createHash('sha256').update(payload).digest('hex').slice(0, 16);
}

/** `<name>-<hash>` — the base name of the cached `.mp4` and `.json`. */
export function cacheBaseName(scene: SceneDefinition, opts: RenderOptions): string {
  return `${scene.name}-${sceneHash(scene, opts)}`;
}
