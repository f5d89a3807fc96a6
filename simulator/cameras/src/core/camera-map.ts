import type { SceneDefinition } from './scene-model';

/**
 * Which scene each camera plays: camera N (1-based) plays scene (N-1) mod K, unless `mapping`
 * names one. Mapping keys are `"3"` or `"cam3"`; values are scene names.
 * @throws Error naming the bad key or scene.
 */
export function assignScenes(
  numStreams: number,
  scenes: readonly SceneDefinition[],
  mapping: Readonly<Record<string, string>> = {},
): Map<number, SceneDefinition> {
  if (scenes.length === 0) throw new Error('no scenes');
  const overrides = new Map<number, SceneDefinition>();
  for (const [key, name] of Object.entries(mapping)) {
    const m = /^(?:cam)?(\d+)$/.exec(key);
    const n = m ? Number(m[1]) : NaN;
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`scene mapping: bad camera key ${JSON.stringify(key)} (expected "N" or "camN")`);
    const scene = scenes.find((s) => s.name === name);
    if (!scene)
      throw new Error(
        `scene mapping: camera ${key} names unknown scene ${JSON.stringify(name)}; known: ${scenes.map((s) => s.name).join(', ')}`,
      );
    overrides.set(n, scene);
  }
  // scenes marked inRotation: false (static_floor) play only where the mapping names them
  const rotation = scenes.filter((s) => s.inRotation !== false);
  const cycle = rotation.length > 0 ? rotation : scenes;
  const out = new Map<number, SceneDefinition>();
  for (let n = 1; n <= numStreams; n++) out.set(n, overrides.get(n) ?? cycle[(n - 1) % cycle.length]!);
  return out;
}

/** Camera N's URL from a template containing `{N}`, with the port replaced when given. */
export function cameraUrl(template: string, n: number, port?: number): string {
  const url = template.replaceAll('{N}', String(n));
  if (port === undefined) return url;
  return url.replace(/^(rtsps?:\/\/[^/:?#]+)(:\d+)?/, `$1:${port}`);
}

/** The URL path of camera N (`/cam3`), used to publish to the same path on the publish port. */
export function cameraPath(template: string, n: number): string {
  const m = /^rtsps?:\/\/[^/?#]+(\/[^?#]*)?/.exec(template.replaceAll('{N}', String(n)));
  return m?.[1] ?? `/cam${n}`;
}

/** Port of an rtsp:// template (554 when absent). */
export function templatePort(template: string): number {
  const m = /^rtsps?:\/\/[^/:?#]+:(\d+)/.exec(template);
  return m ? Number(m[1]) : 554;
}
