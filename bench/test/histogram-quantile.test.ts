import { histogramQuantile } from '../capacity.bench';

describe('histogramQuantile (p95 clip wait from inference /metrics)', () => {
  const text = [
    '# TYPE x histogram',
    'x_bucket{le="0.5",pod="a"} 1',
    'x_bucket{le="10",pod="a"} 9',
    'x_bucket{le="+Inf",pod="a"} 10',
    'x_sum{pod="a"} 40',
    'x_count{pod="a"} 10',
  ].join('\n');
  it('answers the upper bound of the first bucket holding the quantile', () => {
    expect(histogramQuantile(text, 'x', 0.1)).toBe(0.5);
    expect(histogramQuantile(text, 'x', 0.5)).toBe(10);
    expect(histogramQuantile(text, 'x', 0.95)).toBe(Infinity);
  });
  it('is undefined for an empty or absent histogram', () => {
    expect(histogramQuantile('x_bucket{le="+Inf"} 0', 'x', 0.95)).toBeUndefined();
    expect(histogramQuantile(text, 'y', 0.95)).toBeUndefined();
  });
});
