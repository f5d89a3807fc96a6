import fs from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Zone } from '../../shared/src/camera-registry/schema';
import { CameraRegistry } from '../../shared/src/camera-registry/store';
import { redisKeys } from '../../shared/src/keys';
import { createLogger } from '../../shared/src/logger';
import { modelClipPaths, type ModelClip } from '../../shared/src/model-clip';
import { renderZonesPng, zonesHash } from '../../shared/src/zones/render';
import { CameraContexts } from '../src/adapters/camera-contexts';
import { makeModelClip } from '../src/adapters/ffmpeg';
import { prepareJob } from '../src/adapters/prepare';
import { registryOverlayLookup } from '../src/adapters/zone-overlay';
import { createPromptKit } from '../src/core/prompt-kit';
import { REDIS_URL, sceneClip, tempDir, prepareSettings } from './helpers';
import { deleteKeysUnder } from '../../../test/support';
import { rawFrames } from '../../../test/support/media';

/**
 * Issue #26.9: the text and the drawing of a clip always agree. A clip recorded before a zone
 * edit carries capture's model clip with the OLD zones drawn in (stamped with their hash); judged
 * after the edit, it is redrawn with the zones the registry holds now, and the prompt describes
 * exactly those, even while the prompt's polled registry copy still holds the old ones.
 * Real Redis, real ffmpeg (pixels checked inside each zone).
 */
jest.setTimeout(60_000);

const square = (x: number, y: number): Zone['polygon'] => [
  [x, y],
  [x + 0.3, y],
  [x + 0.3, y + 0.3],
  [x, y + 0.3],
];
const OLD: Zone = { name: 'Old press', kind: 'restricted', polygon: square(0.05, 0.05) };
const NEW: Zone = { name: 'New press', kind: 'restricted', polygon: square(0.65, 0.65) };
const W = 160;
const H = 90;

/** First frame of an MP4 as RGB24 at W×H. */
const firstFrame = (file: string) => rawFrames(file, { vf: `scale=${W}:${H}` });
/** Mean red-minus-green over a zone's square: the restricted fill is a red tint. */
function redness(rgb: Buffer, z: Zone): number {
  const [x0, y0] = z.polygon[0]!;
  const [x1, y1] = z.polygon[2]!;
  let sum = 0;
  let n = 0;
  for (let y = Math.ceil(y0 * H) + 2; y < Math.floor(y1 * H) - 2; y++)
    for (let x = Math.ceil(x0 * W) + 2; x < Math.floor(x1 * W) - 2; x++) {
      const o = (y * W + x) * 3;
      sum += rgb[o]! - rgb[o + 1]!;
      n++;
    }
  return sum / n;
}

describe('a zone edit: the first clip judged after it is drawn and described with the new zones', () => {
  const redis = new Redis(REDIS_URL);
  const prefix = `test-zone-change-${process.pid}`;
  const keys = redisKeys(prefix);
  const registry = new CameraRegistry(redis, keys);
  const logger = createLogger('zone-change-test', 'silent');
  let clipsDir = '';
  let contexts: CameraContexts | undefined;

  afterAll(async () => {
    contexts?.stop();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
    if (clipsDir) await fs.rm(clipsDir, { recursive: true, force: true });
  });

  test('redrawn (reason "zones") and described with the zones it shows; an unchanged one keeps capture’s clip', async () => {
    await registry.put('cam1', { url: 'rtsp://127.0.0.1:8554/cam1', zones: [OLD] });
    clipsDir = await tempDir('zone-change');
    const { job } = await sceneClip('safe', clipsDir, 'cam1', new Date('2026-12-06T20:00:00Z'));
    const s = prepareSettings(clipsDir, 'video-frames');
    // capture's model clip, recorded with the OLD zone drawn in and stamped with its hash
    const rel = modelClipPaths(job.path).clip;
    await fs.mkdir(path.join(clipsDir, path.dirname(rel)), { recursive: true });
    const info = await makeModelClip(path.join(clipsDir, job.path), path.join(clipsDir, rel), {
      ...s,
      overlayPng: renderZonesPng([OLD]),
    });
    const model: ModelClip = {
      path: rel,
      fps: info.fps,
      frames: info.frames,
      sampling: 'fps',
      maxSide: 448,
      zonesHash: zonesHash([OLD]),
    };
    const recorded = { ...job, model };
    // the prompt's registry copy is polled; a long poll keeps it at the OLD zones for this test
    contexts = new CameraContexts({ registry, language: 'en', file: undefined, pollMs: 600_000, logger });
    await contexts.start();
    const kit = createPromptKit({
      examples: [],
      cameras: undefined,
      contextOf: (id, drawn) => contexts!.contextOf(id, drawn),
      mode: 'video-frames',
      language: 'en',
      fps: 2,
      model: 'm',
      maxTokens: 64,
    });
    const lookup = registryOverlayLookup(redis, keys);
    const text = (body: Record<string, unknown>) => JSON.stringify(body.messages);

    // before the edit: capture's clip is used as is, and the text names the zone it shows
    const before = await prepareJob(recorded, s, lookup);
    expect(before.source).toBe('capture');
    expect(text(kit.body('cam1', before.media, before.zones))).toContain('Old press');

    // the edit: the same clip (recorded before it) is judged now
    await registry.put('cam1', { url: 'rtsp://127.0.0.1:8554/cam1', zones: [NEW] });
    const after = await prepareJob(recorded, s, lookup);
    expect(after).toMatchObject({ source: 'fallback', reason: 'zones' });
    expect(after.zones).toEqual([NEW]);
    const said = text(kit.body('cam1', after.media, after.zones));
    expect(said).toContain('New press');
    expect(said).not.toContain('Old press');
    // … and drawn: the NEW square is tinted, the OLD one is not (compared with the evidence itself)
    expect(after.media.kind).toBe('mp4');
    const redrawn = path.join(clipsDir, 'redrawn.mp4');
    await fs.writeFile(redrawn, Buffer.from((after.media as { base64: string }).base64, 'base64'));
    const [drawn, plain] = [await firstFrame(redrawn), await firstFrame(path.join(clipsDir, job.path))];
    expect(redness(drawn, NEW) - redness(plain, NEW)).toBeGreaterThan(30);
    expect(Math.abs(redness(drawn, OLD) - redness(plain, OLD))).toBeLessThan(10);

    // every zone deleted: a clip drawn with one is redrawn without; a clip stamped "none" is used
    await registry.put('cam1', { url: 'rtsp://127.0.0.1:8554/cam1', zones: [] });
    expect(await prepareJob(recorded, s, lookup)).toMatchObject({ source: 'fallback', reason: 'zones', zones: [] });
    const bare = await makeModelClip(path.join(clipsDir, job.path), path.join(clipsDir, rel), s);
    const none = { ...job, model: { ...model, frames: bare.frames, zonesHash: undefined } };
    expect(await prepareJob(none, s, lookup)).toMatchObject({ source: 'capture', zones: [] });
  });
});
