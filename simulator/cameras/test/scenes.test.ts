import { ffmpegColor, PALETTE, type PaletteName } from '../../shared/palette';
import {
  buildFilterGraph,
  buildRenderArgs,
  computeGroundTruth,
  groundTruthAt,
  SCENES,
  type GroundTruth,
} from '../src/index';
import type { RenderOptions } from '../src/core/render-args';
import { inside, parseGraph, type DrawnBox } from './filter-eval';

const SIZES: RenderOptions[] = [
  { width: 1280, height: 720, fps: 25 },
  { width: 640, height: 360, fps: 25 },
];
const col = (name: PaletteName) => ffmpegColor(PALETTE[name]);
const types = (gt: GroundTruth) => new Set(gt.seconds.flatMap((s) => s.hazards.map((h) => h.type)));

describe('scene library', () => {
  it('has the seven required scenes, unique names, 20–60 s loops', () => {
    const names = SCENES.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of [
      'safe',
      'no_hard_hat',
      'no_safety_vest',
      'restricted_zone_intrusion',
      'person_fall',
      'fire',
      'forklift_pedestrian_proximity',
    ]) {
      expect(names).toContain(n);
    }
    for (const s of SCENES) {
      expect(s.duration).toBeGreaterThanOrEqual(20);
      expect(s.duration).toBeLessThanOrEqual(60);
    }
  });

  /** Hazards a scene may show beside its primary one: the fire scene's drawn smoke plume. */
  const COMPANIONS: Record<string, string[]> = { fire: ['smoke'] };

  it.each(SCENES.map((s) => [s.name, s] as const))(
    '%s: ground truth shows only its hazard, starting and stopping inside the loop',
    (_n, scene) => {
      const gt = computeGroundTruth(scene, SIZES[0]!);
      if (scene.hazard === null) {
        expect(types(gt).size).toBe(0);
        expect(gt.intervals).toEqual([]);
        return;
      }
      expect([...types(gt)].sort()).toEqual([scene.hazard, ...(COMPANIONS[scene.name] ?? [])].sort());
      expect(gt.intervals.length).toBe(1 + (COMPANIONS[scene.name]?.length ?? 0));
      const iv = gt.intervals.find((i) => i.type === scene.hazard);
      expect(iv!.from).toBeGreaterThan(1);
      expect(iv!.to).toBeLessThan(scene.duration - 1);
      expect(gt.seconds[0]!.hazards).toEqual([]);
      expect(gt.seconds[gt.seconds.length - 1]!.hazards).toEqual([]);
      expect(gt.seconds.filter((s) => s.hazards.length > 0).length).toBeGreaterThanOrEqual(4);
    },
  );
});

describe('filter graph and ground truth agree (both computed from the scene data)', () => {
  const cases = SCENES.flatMap((scene) =>
    SIZES.map((size) => [scene.name, `${size.width}x${size.height}`, scene, size] as const),
  );

  it.each(cases)('%s @ %s', (_n, _s, scene, size) => {
    const drawnAt = parseGraph(buildFilterGraph(scene, size));
    const gt = computeGroundTruth(scene, size);
    const tol = Math.ceil(2 * (size.width / 1280)) + 1;
    const within = (boxes: DrawnBox[], color: string, box: readonly [number, number, number, number]) =>
      boxes.filter((b) => b.color === color && inside(b, box, tol));

    for (const second of gt.seconds) {
      const drawn = drawnAt(second.t);
      const bodies = drawn.filter((b) => b.color === col('body'));
      for (const hz of second.hazards) {
        switch (hz.type) {
          case 'no_hard_hat':
            expect(within(drawn, col('body'), hz.box)).toHaveLength(1);
            expect(within(drawn, col('skin'), hz.box)).toHaveLength(1);
            expect(drawn.filter((b) => b.color === col('helmet') && inside(b, hz.box, 8))).toHaveLength(0);
            break;
          case 'no_safety_vest':
            expect(within(drawn, col('body'), hz.box)).toHaveLength(1);
            expect(within(drawn, col('vest'), hz.box)).toHaveLength(0);
            break;
          case 'person_fall': {
            const [body] = within(drawn, col('body'), hz.box);
            expect(body).toBeDefined();
            expect(body!.w).toBeGreaterThan(body!.h); // lying
            break;
          }
          case 'restricted_zone_intrusion': {
            const zone = drawn.find((b) => b.color === col('zone'))!;
            const [body] = within(drawn, col('body'), hz.box);
            expect(body).toBeDefined();
            expect(
              body!.x < zone.x + zone.w &&
                zone.x < body!.x + body!.w &&
                body!.y < zone.y + zone.h &&
                zone.y < body!.y + body!.h,
            ).toBe(true);
            break;
          }
          case 'fire':
            expect(within(drawn, col('fireA'), hz.box)).toHaveLength(1);
            expect(drawn.some((b) => b.color === col('smoke'))).toBe(second.t >= 6);
            break;
          case 'smoke':
            expect(within(drawn, col('smoke'), hz.box)).toHaveLength(1);
            expect(second.t).toBeGreaterThanOrEqual(6);
            break;
          case 'forklift_pedestrian_proximity':
            expect(within(drawn, col('forklift'), hz.box).length).toBeGreaterThanOrEqual(1);
            expect(within(drawn, col('body'), hz.box)).toHaveLength(1);
            break;
          default:
            throw new Error(`unexpected hazard ${hz.type}`);
        }
      }
      // Without a hazard of that kind, every standing body wears what it must.
      const kinds = new Set(second.hazards.map((h) => h.type));
      if (!kinds.has('no_hard_hat') && !kinds.has('person_fall')) {
        for (const b of bodies) {
          const headTop = b.y - Math.round(24 * (size.height / 720)) - tol * 4;
          expect(
            drawn.some(
              (h) =>
                h.color === col('helmet') &&
                h.y >= headTop - tol &&
                h.y < b.y &&
                h.x >= b.x - tol &&
                h.x + h.w <= b.x + b.w + tol,
            ),
          ).toBe(true);
        }
      }
      if (!kinds.has('no_safety_vest')) {
        for (const b of bodies)
          expect(drawn.some((v) => v.color === col('vest') && inside(v, [b.x, b.y, b.w, b.h], tol))).toBe(true);
      }
      if (!kinds.has('fire'))
        expect(drawn.some((b) => b.color === col('fireA') || b.color === col('fireB'))).toBe(false);
      if (!kinds.has('person_fall')) for (const b of bodies) expect(b.h).toBeGreaterThan(b.w);
    }
  });

  it('flames flicker: the second flame colour blinks within a second', () => {
    const fire = SCENES.find((s) => s.name === 'fire')!;
    const drawnAt = parseGraph(buildFilterGraph(fire, SIZES[1]!));
    const pattern = [0, 0.04, 0.08, 0.12, 0.16, 0.2].map((dt) =>
      drawnAt(10 + dt)
        .filter((b) => b.color === col('fireB'))
        .map((b) => b.x)
        .join(),
    );
    expect(new Set(pattern).size).toBeGreaterThan(1);
  });
});

describe('buildRenderArgs', () => {
  const scene = SCENES[1]!;
  const args = buildRenderArgs(scene, { width: 640, height: 360, fps: 25 }, '/tmp/x.mp4');
  const after = (flag: string) => args[args.indexOf(flag) + 1];

  it('encodes H.264 yuv420p with a 1 s GOP and no scene-cut keyframes', () => {
    expect(after('-c:v')).toBe('libx264');
    expect(after('-pix_fmt')).toBe('yuv420p');
    expect(after('-g')).toBe('25');
    expect(after('-keyint_min')).toBe('25');
    expect(after('-sc_threshold')).toBe('0');
    expect(['veryfast', 'superfast', 'ultrafast']).toContain(after('-preset'));
  });

  it('bounds the infinite lavfi sources with -t and writes MP4 to the given path last', () => {
    expect(after('-t')).toBe(String(scene.duration));
    expect(args[args.length - 1]).toBe('/tmp/x.mp4');
    expect(after('-map')).toBe('[out]');
    expect(after('-filter_complex')).toMatch(/^color=c=0x808080:s=640x360:r=25:d=20\[v0\]/);
    expect(after('-filter_complex')).toMatch(/\[out\]$/);
  });
});

describe('groundTruthAt', () => {
  const gt = computeGroundTruth(
    SCENES.find((s) => s.name === 'no_hard_hat')!,
    SIZES[1]!,
  );
  it('returns the hazards of that loop second, wrapping past the loop end', () => {
    expect(groundTruthAt(gt, 10.2).map((h) => h.type)).toEqual(['no_hard_hat']);
    expect(groundTruthAt(gt, 2)).toEqual([]);
    expect(groundTruthAt(gt, 20 + 10.2)).toEqual(groundTruthAt(gt, 10.2));
    expect(groundTruthAt(gt, 19.99)).toEqual([]);
  });
});
