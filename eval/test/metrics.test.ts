import { computeMetrics, isWrong, type Scored } from '../src/core/metrics';

const clip = (exp: Scored['expected'], pred: Scored['predicted']): Scored => ({ expected: exp, predicted: pred });

describe('computeMetrics on hand-made cases', () => {
  it('scores each hazard of a two-hazard clip on its own (one found, one missed, one invented)', () => {
    const m = computeMetrics([
      clip({ status: 'danger', hazards: ['fire', 'smoke'] }, { status: 'danger', hazards: ['fire', 'no_hard_hat'] }),
    ]);
    expect(m.perHazard.fire).toEqual({ labelled: 1, tp: 1, fp: 0, fn: 0, precision: 1, recall: 1, f1: 1 });
    expect(m.perHazard.smoke).toEqual({ labelled: 1, tp: 0, fp: 0, fn: 1, precision: null, recall: 0, f1: 0 });
    expect(m.perHazard.no_hard_hat).toEqual({ labelled: 0, tp: 0, fp: 1, fn: 0, precision: 0, recall: null, f1: 0 });
    expect(m.micro).toEqual({ tp: 1, fp: 1, fn: 1, precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(m.macroF1).toBeCloseTo(1 / 3, 10);
    expect(m.confusion.danger.danger).toBe(1);
    expect(m.wrong).toBe(1);
  });

  it('counts an uncertain answer as a miss of every label and as its own confusion column, never as safe', () => {
    const m = computeMetrics([
      clip({ status: 'danger', hazards: ['person_fall'] }, { status: 'uncertain', hazards: [] }),
      clip({ status: 'danger', hazards: ['person_fall'] }, { status: 'danger', hazards: ['person_fall'] }),
      clip({ status: 'safe', hazards: [] }, { status: 'uncertain', hazards: [] }),
    ]);
    expect(m.perHazard.person_fall).toMatchObject({ labelled: 2, tp: 1, fn: 1, fp: 0, recall: 0.5, precision: 1 });
    expect(m.perHazard.person_fall!.f1).toBeCloseTo(2 / 3, 10);
    expect(m.confusion.danger.uncertain).toBe(1);
    expect(m.confusion.safe.uncertain).toBe(1);
    expect(m.confusion.danger.safe).toBe(0);
    // uncertain is not "predicted safe": no missed danger, but both uncertain clips are wrong
    expect(m.missedDanger).toBe(0);
    expect(m.dangerClips).toBe(2);
    expect(m.wrong).toBe(2);
  });

  it('gives a label that never appears in the predictions recall 0, F1 0 and undefined precision', () => {
    const m = computeMetrics([
      clip({ status: 'warning', hazards: ['restricted_zone_intrusion'] }, { status: 'safe', hazards: [] }),
      clip(
        { status: 'warning', hazards: ['restricted_zone_intrusion'] },
        { status: 'warning', hazards: ['no_safety_vest'] },
      ),
      clip({ status: 'safe', hazards: [] }, { status: 'safe', hazards: [] }),
    ]);
    expect(m.perHazard.restricted_zone_intrusion).toEqual({
      labelled: 2,
      tp: 0,
      fp: 0,
      fn: 2,
      precision: null,
      recall: 0,
      f1: 0,
    });
    expect(m.perHazard.no_safety_vest).toMatchObject({ tp: 0, fp: 1, fn: 0, f1: 0 });
    expect(m.micro.precision).toBe(0);
    expect(m.micro.f1).toBe(0);
    expect(m.confusion.warning.safe).toBe(1);
    expect(m.confusion.safe.safe).toBe(1);
    expect(m.wrong).toBe(2);
  });

  it('counts a danger clip predicted safe as missed danger (a warning answer is not missed)', () => {
    const m = computeMetrics([
      clip({ status: 'danger', hazards: ['fire'] }, { status: 'safe', hazards: [] }),
      clip({ status: 'danger', hazards: ['fire'] }, { status: 'warning', hazards: ['no_hard_hat'] }),
      clip({ status: 'danger', hazards: ['fire'] }, { status: 'error', hazards: [] }),
    ]);
    expect(m.missedDanger).toBe(1);
    expect(m.dangerClips).toBe(3);
    expect(m.confusion.danger.error).toBe(1);
    expect(m.perHazard.fire).toMatchObject({ tp: 0, fn: 3 });
  });

  it('has no per-hazard rows and undefined F1s on an all-safe set scored right', () => {
    const m = computeMetrics([clip({ status: 'safe', hazards: [] }, { status: 'safe', hazards: [] })]);
    expect(m.perHazard).toEqual({});
    expect(m.micro.f1).toBeNull();
    expect(m.macroF1).toBeNull();
    expect(m.wrong).toBe(0);
  });

  it('treats hazard sets as sets (order and repeats do not matter)', () => {
    expect(
      isWrong(
        clip(
          { status: 'danger', hazards: ['fire', 'smoke'] },
          { status: 'danger', hazards: ['smoke', 'fire', 'fire'] },
        ),
      ),
    ).toBe(false);
    expect(isWrong(clip({ status: 'danger', hazards: ['fire'] }, { status: 'warning', hazards: ['fire'] }))).toBe(true);
  });
});
