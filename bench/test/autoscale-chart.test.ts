/** The autoscale chart is well-formed SVG whose lines follow the polls (pure, no browser). */
import { autoscaleSvg, type AutoscalePoll } from '../lib/autoscale-chart';

const poll = (t: number, running: number, queued: number): AutoscalePoll => ({
  t,
  cameras: 8,
  queued,
  inFlight: 4,
  desired: running,
  running,
  p95s: 3,
});

describe('autoscaleSvg', () => {
  const svg = autoscaleSvg(
    [
      { title: 'both <triggers>', polls: [poll(0, 1, 0), poll(10, 3, 20), poll(20, 2, 0)] },
      { title: 'LLEN only', polls: [poll(0, 1, 0), poll(20, 1, 5)] },
    ],
    'caption & date',
  );

  it('is one svg element with a panel per run, titles escaped', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('both &lt;triggers&gt;');
    expect(svg).toContain('caption &amp; date');
    expect(svg.match(/<text [^>]*font-weight="bold"/g)?.length).toBe(2); // one titled panel per run
  });

  it('draws running replicas as a step line that rises to the peak (3 → the top of a 0–4 axis)', () => {
    const running = [...svg.matchAll(/<path d="([^"]+)" fill="none" stroke="#1f77b4"/g)].map((m) => m[1]!);
    expect(running).toHaveLength(2);
    const ys = [...running[0]!.matchAll(/V([\d.]+)/g)].map((m) => Number(m[1]));
    expect(ys).toHaveLength(2); // 1 → 3 → 2: two vertical steps
    expect(ys[0]!).toBeLessThan(ys[1]!); // up (smaller y) then down
  });
});
