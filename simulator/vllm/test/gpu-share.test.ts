import { GpuShare } from '../src/gpu-share';
import { Scheduler } from '../src/scheduler';

/** The capacity model: exact throughput C when busy, a request's time n/C with n running. */
describe('GpuShare (a GPU of capacity C requests/s)', () => {
  it('a lone request takes 1/C s; 20 at once all finish together after 20/C s (latency grows with the batch)', async () => {
    const gpu = new GpuShare(50);
    let t0 = performance.now();
    await gpu.serve();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(19);
    t0 = performance.now();
    const ends: number[] = [];
    await Promise.all(Array.from({ length: 20 }, () => gpu.serve().then(() => ends.push(performance.now() - t0))));
    // work-conserving at exactly C: 20 × 1/50 s of work cannot be done sooner than 400 ms
    expect(Math.max(...ends)).toBeGreaterThanOrEqual(395);
    // shared, not serial: no request finishes in the 20 ms an unshared GPU would take, and none
    // waits for all the others (a FIFO GPU would spread the ends over 20–400 ms)
    expect(Math.min(...ends)).toBeGreaterThan(100);
    expect(gpu.active).toBe(0);
  });

  it('refuses a capacity of 0', () => {
    expect(() => new GpuShare(0)).toThrow(/capacity/);
  });

  it('the scheduler in capacity mode: max_num_seqs running, the rest wait, and C requests/s overall', async () => {
    const seen: number[] = [];
    const s = new Scheduler(
      { prefillUsPerToken: 0, decodeMsPerToken: 0, overheadMs: 0, maxBatch: 4, capacityRps: 100 },
      (running) => seen.push(running),
    );
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 12 }, () => s.run(100, 10)));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(119); // 12 requests at 100/s
    expect(Math.max(...seen)).toBe(4);
    expect([s.numRunning, s.numWaiting]).toEqual([0, 0]);
  });
});
