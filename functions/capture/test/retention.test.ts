import { parseVerdictMark, planRetention, type ClipFacts } from '../src/core/retention';

const H = 3_600_000;
const clip = (
  path: string,
  ageH: number,
  verdict?: ClipFacts['verdict'],
  extra: Partial<ClipFacts> = {},
): ClipFacts => ({
  path,
  startedAt: 100 * H - ageH * H,
  bytes: 100,
  verdict,
  inIncidentSet: false,
  ...extra,
});
const rules = { now: 100 * H, safeRetentionMs: 1 * H, incidentRetentionMs: 48 * H };

describe('planRetention', () => {
  it('never deletes a clip without a verdict, however old or however full the disk', () => {
    const plan = planRetention([clip('a', 1000), clip('b', 999)], { ...rules, maxBytes: 1 });
    expect(plan.delete).toEqual([]);
    expect(plan.capBlocked).toBe(true);
  });

  it('deletes safe clips after the retention time only', () => {
    const plan = planRetention(
      [clip('old', 2, { status: 'safe', incident: false }), clip('new', 0.5, { status: 'safe', incident: false })],
      rules,
    );
    expect(plan.delete).toEqual([{ path: 'old', reason: 'safe-expired', bytes: 100 }]);
  });

  it('keeps incident clips (set or marker) for the incident retention', () => {
    const plan = planRetention(
      [
        clip('set', 10, { status: 'safe', incident: false }, { inIncidentSet: true }),
        clip('mark', 10, { status: 'danger', incident: true }),
        clip('expired', 49, { status: 'danger', incident: true }),
      ],
      rules,
    );
    expect(plan.delete).toEqual([{ path: 'expired', reason: 'incident-expired', bytes: 100 }]);
  });

  it('keeps a clip an operator marked (feedback) past every retention and the byte cap', () => {
    const plan = planRetention(
      [
        clip('marked-safe', 1000, { status: 'safe', incident: false }, { feedbackHeld: true }),
        clip('marked-incident', 1000, { status: 'danger', incident: true }, { feedbackHeld: true }),
        clip('unmarked', 1000, { status: 'safe', incident: false }),
      ],
      { ...rules, maxBytes: 1 },
    );
    expect(plan.delete.map((d) => d.path)).toEqual(['unmarked']);
    expect(plan.capBlocked).toBe(true);
  });

  it('keeps warning/uncertain verdicts as long as incidents', () => {
    expect(
      planRetention(
        [
          clip('w', 10, { status: 'warning', incident: false }),
          clip('u', 10, { status: 'uncertain', incident: false }),
        ],
        rules,
      ).delete,
    ).toEqual([]);
  });

  it('byte cap evicts oldest verdicted first, incident evidence last, never unverdicted', () => {
    const plan = planRetention(
      [
        clip('queued-oldest', 30),
        clip('incident-old', 20, { status: 'danger', incident: true }),
        clip('safe-mid', 0.8, { status: 'safe', incident: false }),
        clip('safe-new', 0.2, { status: 'safe', incident: false }),
        clip('warn-older', 0.9, { status: 'warning', incident: false }),
      ],
      { ...rules, maxBytes: 300 },
    );
    expect(plan.delete.map((d) => d.path)).toEqual(['warn-older', 'safe-mid']);
    expect(plan.bytesAfter).toBe(300);
    expect(plan.capBlocked).toBe(false);
  });

  it('counts other bytes toward the cap', () => {
    const plan = planRetention([clip('s', 0.1, { status: 'safe', incident: false })], {
      ...rules,
      maxBytes: 150,
      otherBytes: 100,
    });
    expect(plan.delete.map((d) => d.reason)).toEqual(['byte-cap']);
  });
});

describe('parseVerdictMark', () => {
  it('reads the inference marker and treats foreign values as verdicted-unknown', () => {
    expect(parseVerdictMark(null)).toBeUndefined();
    expect(parseVerdictMark('{"status":"safe","incident":false}')).toEqual({ status: 'safe', incident: false });
    expect(parseVerdictMark('1')).toEqual({ status: 'unknown', incident: false });
  });
});
