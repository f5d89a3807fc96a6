import * as jpeg from 'jpeg-js';
import { PALETTE } from '../../shared/palette';
import { decodeJpeg } from '../src/adapters/decode';
import { analyzeClip, analyzeFrame } from '../src/core/detector';
import { fillBox, type Frame } from '../src/core/frame';
import { buildVerdict, detectLanguage } from '../src/core/verdict';
import { ModelVerdictSchema } from '../../../functions/shared/src/verdict';
import { CASES, drawScene } from './synthetic-scene';

/** A JPEG round trip (quality 70), like the frames a client sends. */
function viaJpeg(f: Frame): Frame {
  const rgba = new Uint8Array(f.width * f.height * 4);
  for (let i = 0; i < f.width * f.height; i++)
    rgba.set([f.data[i * 3] ?? 0, f.data[i * 3 + 1] ?? 0, f.data[i * 3 + 2] ?? 0, 255], i * 4);
  return decodeJpeg(jpeg.encode({ data: rgba, width: f.width, height: f.height }, 70).data);
}

const types = (frames: Frame[]) =>
  analyzeClip(frames)
    .map((h) => h.type)
    .sort();

describe('detector on palette-drawn frames', () => {
  it.each(CASES)('$name at 448×252 through JPEG yields exactly its hazards', ({ scene, expect: want }) => {
    expect(types([viaJpeg(drawScene(scene))])).toEqual([...want].sort());
  });

  it.each(CASES)('$name at 224×126 through JPEG (a hard hat is 5×2 px) yields the same', ({ scene, expect: want }) => {
    expect(types([viaJpeg(drawScene(scene, 224, 126))])).toEqual([...want].sort());
  });

  it.each(CASES)('$name at 1280×720 (grid-sampled) yields the same', ({ scene, expect: want }) => {
    expect(types([drawScene(scene, 1280, 720)])).toEqual([...want].sort());
  });

  it('really looks: painting over the helmet makes no_hard_hat appear', () => {
    const f = drawScene({ workers: [{ x: 300, y: 300, helmet: true, vest: true }] });
    expect(types([f])).toEqual([]);
    const s = 448 / 1280;
    fillBox(f, 300 * s, (300 - 40) * s, 40 * s, 16 * s, PALETTE.floor);
    expect(types([f])).toEqual(['no_hard_hat']);
  });

  it('really looks: removing the fire and smoke leaves a safe scene', () => {
    const f = drawScene({ fire: { x: 900, y: 300 } });
    expect(types([f])).toEqual(['fire', 'smoke']);
    const s = 448 / 1280;
    fillBox(f, 870 * s, 200 * s, 130 * s, 200 * s, PALETTE.floor);
    expect(types([f])).toEqual([]);
  });

  it('a worker just outside the zone and a forklift far away are not hazards', () => {
    const f = drawScene({
      zone: { x: 850, y: 420, w: 300, h: 200 },
      forklift: { x: 100, y: 100 },
      workers: [{ x: 790, y: 450, helmet: true, vest: true }],
    });
    expect(analyzeFrame(f).workers).toHaveLength(1);
    expect(types([f])).toEqual([]);
  });

  it('a hazard in one frame of ten is noise, in five it is a finding with a confidence', () => {
    const safe = drawScene({ workers: [{ x: 300, y: 300, helmet: true, vest: true }] });
    const fire = drawScene({ fire: { x: 900, y: 300 }, workers: [{ x: 300, y: 300, helmet: true, vest: true }] });
    expect(analyzeClip([fire, ...Array(9).fill(safe)])).toEqual([]);
    const found = analyzeClip([...Array(5).fill(fire), ...Array(5).fill(safe)]);
    expect(found.map((h) => [h.type, h.fraction])).toEqual([
      ['fire', 0.5],
      ['smoke', 0.5],
    ]);
  });
});

describe('verdict', () => {
  it('danger for a fall, warning for PPE, safe for nothing; always schema-valid', () => {
    const fall = buildVerdict([{ type: 'person_fall', frames: 10, fraction: 1 }], 'en');
    expect(fall.status).toBe('danger');
    expect(fall.hazards[0]?.confidence).toBe(1);
    expect(buildVerdict([{ type: 'no_hard_hat', frames: 2, fraction: 0.2 }], 'en').status).toBe('warning');
    const safe = buildVerdict([], 'ko');
    expect(safe).toEqual({ status: 'safe', hazards: [], summary: expect.stringContaining('안전') });
    for (const v of [fall, safe]) expect(ModelVerdictSchema.safeParse(v).success).toBe(true);
  });

  it('answers in Korean when the prompt asks for Korean', () => {
    expect(detectLanguage('Answer in Korean (한국어).')).toBe('ko');
    expect(detectLanguage('Answer in English.')).toBe('en');
    expect(buildVerdict([{ type: 'fire', frames: 1, fraction: 1 }], 'ko').summary).toMatch(/^위험: 화염/);
  });
});
