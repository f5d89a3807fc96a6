import { formatLabel, parseLabels } from '../src/core/dataset';
import { planSyntheticClips } from '../src/core/synthetic-plan';
import { computeGroundTruth, SCENES } from '../../simulator/cameras/src';
import { typesIn } from '../../tools/fewshot/scene-windows';

describe('labels.jsonl', () => {
  it('parses good lines, skipping blank ones, and sorts hazards', () => {
    const text = [
      '{"clip":"clips/a.mp4","cameraId":"cam1","status":"danger","hazards":["smoke","fire"],"note":"kitchen"}',
      '',
      '{"clip":"b.mp4","cameraId":"cam2","status":"safe","hazards":[],"context":{"site":"dock","requiredPpe":[],"zones":[]}}',
    ].join('\n');
    const labels = parseLabels(text);
    expect(labels.map((l) => l.hazards)).toEqual([['fire', 'smoke'], []]);
    expect(labels[1]!.context?.site).toBe('dock');
    expect(parseLabels(labels.map(formatLabel).join('\n'))).toEqual(labels);
  });

  it('names the line and the field of every problem at once', () => {
    const text = [
      '{"clip":"ok.mp4","cameraId":"c","status":"safe","hazards":[]}',
      '{"clip":"../x.mp4","cameraId":"c","status":"safe","hazards":[]}',
      'not json',
      '{"clip":"y.mp4","cameraId":"c","status":"safe","hazards":["fire"]}',
      '{"clip":"z.mp4","cameraId":"c","status":"warning","hazards":["flood"]}',
      '{"clip":"ok.mp4","cameraId":"c","status":"safe","hazards":[]}',
      '{"clip":"w.mp4","cameraId":"c","status":"warning","hazards":["fire"]}',
      '{"clip":"v.mp4","cameraId":"c","status":"safe","hazards":[],"colour":"red"}',
    ].join('\n');
    let message = '';
    try {
      parseLabels(text, 'set/labels.jsonl');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('set/labels.jsonl has 7 problem(s)');
    expect(message).toMatch(/labels\.jsonl:2: clip: clip must be a relative path/);
    expect(message).toMatch(/labels\.jsonl:3: not JSON/);
    expect(message).toMatch(/labels\.jsonl:4: \(line\): status must be "safe" exactly when hazards is empty/);
    expect(message).toMatch(/labels\.jsonl:5: hazards\.0: /);
    expect(message).toMatch(/labels\.jsonl:6: clip ok\.mp4 is already labelled on line 1/);
    expect(message).toMatch(/labels\.jsonl:7: \(line\): status must be "danger"/);
    expect(message).toMatch(/labels\.jsonl:8: .*colour/);
  });

  it('refuses an empty file', () => {
    expect(() => parseLabels('\n\n')).toThrow(/no labelled clips/);
  });
});

describe('synthetic plan', () => {
  const truths = SCENES.map((s) => computeGroundTruth(s, { width: 640, height: 360, fps: 10 }));

  it('covers every scene, safe windows and every hazard the simulator draws, at varied offsets', () => {
    const plan = planSyntheticClips(truths, 20, 7);
    expect(plan).toHaveLength(20);
    expect(new Set(plan.map((p) => p.scene))).toEqual(new Set(SCENES.map((s) => s.name)));
    const hazards = new Set(plan.flatMap((p) => p.hazards));
    for (const s of SCENES) if (s.hazard) expect(hazards).toContain(s.hazard);
    expect(plan.some((p) => p.hazards.length === 0)).toBe(true);
    expect(new Set(plan.map((p) => p.start)).size).toBeGreaterThan(4);
  });

  it('labels each window by the few-shot rule and is reproducible from the seed', () => {
    const plan = planSyntheticClips(truths, 30, 3);
    for (const p of plan)
      expect(p.hazards).toEqual(
        typesIn(
          truths.find((t) => t.scene === p.scene)!,
          p.start,
          p.seconds,
        ),
      );
    expect(planSyntheticClips(truths, 30, 3)).toEqual(plan);
    expect(planSyntheticClips(truths, 30, 4)).not.toEqual(plan);
  });
});
