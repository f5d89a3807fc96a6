import {
  correctedHazards,
  feedbackCounts,
  feedbackProblem,
  type FeedbackRecord,
} from '../../functions/shared/src/feedback';
import { labelFromFeedback } from '../src/adapters/export-feedback';
import { Progress } from '../src/adapters/progress';
import { LabelSchema } from '../src/core/dataset';
import { computeMetrics } from '../src/core/metrics';
import { renderReport } from '../src/core/report-html';
import type { ClipResult, Results } from '../src/core/results';

const rec = (
  kind: FeedbackRecord['kind'],
  hazards: FeedbackRecord['hazards'],
  predicted: FeedbackRecord['hazards'],
  by = 'kim',
): FeedbackRecord => ({
  v: 1,
  target: { kind: 'incident', id: 'i1' },
  kind,
  hazards,
  cameraId: 'cam1',
  clipPath: 'cam1/20261128T204000Z.mp4',
  predicted: { status: predicted.length ? 'danger' : 'safe', hazards: predicted },
  by,
  at: '2026-12-02T07:00:00.000Z',
});

describe('feedback → corrected labels', () => {
  it('removes false alarms and adds missed hazards to what the model said', () => {
    expect(correctedHazards([rec('false_alarm', ['smoke'], ['fire', 'smoke'])])).toEqual(['fire']);
    expect(
      correctedHazards([rec('false_alarm', ['fire'], ['fire']), rec('missed_hazard', ['spill'], ['fire'])]),
    ).toEqual(['spill']);
    expect(correctedHazards([rec('missed_hazard', ['person_fall'], [])])).toEqual(['person_fall']);
  });

  it('accepts only the right hazards for each kind', () => {
    expect(feedbackProblem('false_alarm', ['fire'], ['fire', 'smoke'])).toBeUndefined();
    expect(feedbackProblem('false_alarm', ['spill'], ['fire'])).toMatch(/reported \(fire\); not spill/);
    expect(feedbackProblem('missed_hazard', ['spill'], ['fire'])).toBeUndefined();
    expect(feedbackProblem('missed_hazard', ['fire'], ['fire'])).toMatch(/did report fire/);
  });

  it('counts per hazard and kind', () => {
    expect(
      feedbackCounts([rec('false_alarm', ['smoke'], ['fire', 'smoke']), rec('missed_hazard', ['spill', 'smoke'], [])]),
    ).toEqual({ smoke: { false_alarm: 1, missed_hazard: 1 }, spill: { false_alarm: 0, missed_hazard: 1 } });
  });

  it('writes a label that passes the dataset schema, status from the corrected hazards', () => {
    const l = labelFromFeedback('cam1/20261128T204000Z.mp4', [
      rec('false_alarm', ['fire'], ['fire', 'no_hard_hat'], 'lee'),
    ]);
    expect(l).toMatchObject({ clip: 'clips/cam1/20261128T204000Z.mp4', status: 'warning', hazards: ['no_hard_hat'] });
    expect(LabelSchema.safeParse(l).success).toBe(true);
    expect(l.note).toContain('false alarm fire (lee)');
  });
});

describe('report.html', () => {
  const clip = (name: string, wrong: boolean): ClipResult => ({
    clip: name,
    cameraId: 'c1',
    expected: { status: 'danger', hazards: ['fire'] },
    predicted: wrong
      ? { status: 'safe', hazards: [], summary: '' }
      : { status: 'danger', hazards: ['fire'], summary: '' },
    latencyMs: 1,
    modelMs: 1,
    tokens: { prompt: 1, completion: 1, cached: 0 },
    calls: 1,
    wrong,
  });
  const results = (clips: ClipResult[]): Results => ({
    v: 1,
    createdAt: '2026-12-02T07:00:00.000Z',
    dataset: { dir: 'set', clips: clips.length },
    durationMs: 1,
    clips,
    metrics: computeMetrics(clips),
    run: {
      model: 'm',
      baseUrl: 'http://x/v1',
      prefixHash: 'ab',
      fewshot: { dir: 'f', examples: ['01'] },
      cameras: null,
      media: { mode: 'video-frames', sampling: 'fps', fps: 2, maxSide: 448 },
      sampling: { temperature: 0 },
      language: 'en',
      concurrency: 1,
    },
  });

  it('escapes every clip-derived string and carries no script', () => {
    const html = renderReport(results([clip('<script>alert(1)</script>.mp4', true), clip('ok.mp4', false)]), new Map());
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;.mp4');
    expect(html.match(/<figure class="wrong"/g)).toHaveLength(1);
    expect(html).toContain('missed danger <b id="missed-danger">1</b>/2');
  });
});

describe('progress bar', () => {
  const stream = (isTTY: boolean) => {
    const out: string[] = [];
    return { out, s: { isTTY, write: (t: string) => out.push(t) } as unknown as NodeJS.WriteStream };
  };

  it('redraws one line on a TTY and ends it', () => {
    const { out, s } = stream(true);
    const p = new Progress(2, s);
    p.tick(1, 0);
    p.tick(2, 1);
    expect(out[0]).toMatch(/^\reval \[#{15}\.{15}\] 1\/2 wrong 0/);
    expect(out.at(-1)).toBe('\n');
  });

  it('prints a line per 10 % elsewhere', () => {
    const { out, s } = stream(false);
    const p = new Progress(100, s);
    for (let i = 1; i <= 100; i++) p.tick(i, 0);
    expect(out).toHaveLength(11); // the first clip, then 10 %, 20 % … 100 %
    expect(out[0]).toMatch(/^eval: 1\/100 clips/);
    expect(out.at(-1)).toMatch(/^eval: 100\/100 clips \(100%\)/);
  });
});
