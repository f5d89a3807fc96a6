import { computeMetrics, type Scored } from '../src/core/metrics';
import { gate } from '../src/core/gate';
import { compareText } from '../src/core/compare';
import { parseMetricsFile } from '../src/core/results';

/** n fire clips (danger) of which `found` are answered right; the rest are answered safe. */
function fireRun(n: number, found: number, extra: Scored[] = []): Scored[] {
  return [
    ...Array.from({ length: n }, (_, i): Scored => ({
      expected: { status: 'danger', hazards: ['fire'] },
      predicted: i < found ? { status: 'danger', hazards: ['fire'] } : { status: 'safe', hazards: [] },
    })),
    ...extra,
  ];
}

describe('regression gate', () => {
  it('passes on equal results', () => {
    const m = computeMetrics(fireRun(10, 9));
    expect(gate(m, computeMetrics(fireRun(10, 9)), { maxDrop: 0.05 })).toEqual([]);
  });

  it('fails on an injected regression and names the hazard and the missed-danger count', () => {
    const base = computeMetrics(fireRun(10, 10));
    const worse = computeMetrics(fireRun(10, 8));
    const r = gate(base, worse, { maxDrop: 0.05 });
    expect(r.map((x) => x.what)).toEqual(['f1:fire', 'f1:micro', 'missed-danger']);
    expect(r[0]!.message).toContain('fire: F1 1.000 → 0.889');
    expect(r[2]!.message).toContain('0/10 → 2/10');
  });

  it('allows a drop up to --max-drop and fails just above it', () => {
    const base = computeMetrics(fireRun(20, 20));
    const oneMiss = computeMetrics(fireRun(20, 19)); // F1 0.974 (−0.026), missed 1/20 (+0.05)
    expect(gate(base, oneMiss, { maxDrop: 0.05 })).toEqual([]);
    expect(gate(base, oneMiss, { maxDrop: 0.02 }).map((x) => x.what)).toEqual(['f1:fire', 'f1:micro', 'missed-danger']);
  });

  it('does not gate the F1 of a hazard with fewer than 5 labelled clips (too noisy), but still gates missed danger', () => {
    const base = computeMetrics(fireRun(4, 4));
    const worse = computeMetrics(fireRun(4, 2));
    expect(gate(base, worse, { maxDrop: 0.05 }).map((x) => x.what)).toEqual(['missed-danger']);
  });

  it('gates the pooled micro F1 when no single hazard has 5 labels (a small CI set), e.g. every answer uncertain', () => {
    const mixed = (ok: boolean): Scored[] =>
      (['no_hard_hat', 'no_safety_vest', 'restricted_zone_intrusion'] as const).flatMap((h) =>
        [0, 1].map((): Scored => ({
          expected: { status: 'warning', hazards: [h] },
          predicted: ok ? { status: 'warning', hazards: [h] } : { status: 'uncertain', hazards: [] },
        })),
      );
    const r = gate(computeMetrics(mixed(true)), computeMetrics(mixed(false)), { maxDrop: 0.05 });
    expect(r.map((x) => x.what)).toEqual(['f1:micro']);
    expect(r[0]!.message).toContain('micro F1 (all hazards): 1.000 → 0.000');
  });

  it('passes on an improvement, and on a hazard the baseline never saw', () => {
    const vest = (ok: boolean): Scored => ({
      expected: { status: 'warning', hazards: ['no_safety_vest'] },
      predicted: ok ? { status: 'warning', hazards: ['no_safety_vest'] } : { status: 'safe', hazards: [] },
    });
    const base = computeMetrics(fireRun(10, 7));
    const better = computeMetrics(fireRun(10, 9, [vest(true), vest(true), vest(true), vest(true), vest(false)]));
    expect(gate(base, better, { maxDrop: 0.05 })).toEqual([]);
  });

  it('compare prints per-hazard values of both runs and the difference', () => {
    const text = compareText(computeMetrics(fireRun(10, 10)), computeMetrics(fireRun(10, 8)));
    const row = text.split('\n').find((l) => l.startsWith('fire'))!;
    expect(row).toMatch(/1\.000\s+0\.889\s+−0\.111$/);
    expect(text).toContain('missed danger: A 0/10, B 2/10');
  });

  it('reads a results file and names the bad field otherwise', () => {
    const m = computeMetrics(fireRun(5, 5));
    expect(parseMetricsFile(JSON.stringify({ metrics: m }), 'b.json').metrics.perHazard.fire!.f1).toBe(1);
    expect(() => parseMetricsFile('{"metrics":{"clips":1}}', 'b.json')).toThrow(
      /b\.json is not an eval results file: metrics\.perHazard/,
    );
    expect(() => parseMetricsFile('nope', 'b.json')).toThrow(/b\.json is not JSON/);
  });
});
