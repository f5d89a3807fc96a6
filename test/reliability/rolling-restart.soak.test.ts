import { rollingRestart } from '../support/system/rolling-restart';
import type { TestStack } from '../support/system/stack';

/**
 * Issue #26 "Done when": a rolling restart of capture (5 times, as Kubernetes rolls a Deployment with
 * maxSurge 1 / maxUnavailable 0: the new replica Ready first, then SIGTERM to the old one) over 5
 * minutes with the production SEGMENT_SECONDS=5 shows coverage ≥ 99 % for the window, with each gap
 * listed. The old replica hands each camera over while recording (functions/capture/src/core/handoff.ts).
 * Prints each camera's coverage, its gaps with their causes and every hole ≥ 0.2 s (BENCHMARKS.md).
 */
let stack: TestStack | undefined;
afterAll(async () => {
  await stack?.stop();
});

it('rolling restart ×5: coverage ≥ 99 % per camera, every gap listed and explained', async () => {
  const r = await rollingRestart({ restarts: 5, segmentSeconds: 5, runSeconds: 300 });
  stack = r.stack;
  for (const [i, x] of r.restarts.entries())
    console.log(
      `restart ${i + 1} at ${x.at}: old replica exited ${x.exitCode} after ${x.stopMs} ms; ${JSON.stringify(x.handOver)}`,
    );
  for (const [cam, c] of Object.entries(r.coverage)) {
    const w = r.whole[cam]!;
    console.log(
      `${cam}: coverage ${(c.ratio * 100).toFixed(2)} % of ${((c.to - c.from) / 1000).toFixed(0)} s (whole run from its first clip ${(w.ratio * 100).toFixed(2)} % of ${((w.to - w.from) / 1000).toFixed(0)} s); gaps ${JSON.stringify(c.gaps.map((g) => ({ at: new Date(g.from).toISOString(), s: g.seconds, cause: g.cause })))}; holes ≥ 0.2 s ${JSON.stringify(r.holes[cam])}`,
    );
  }
  // every restart: a clean exit, and both cameras taken by the new replica while the old one still
  // recorded: `recorded` (the new owner's first clip was queued), or `timeout` when that first 5 s clip
  // took longer than CAPTURE_HANDOFF_TIMEOUT_SECONDS on a loaded box (the new recorder was running:
  // the coverage below says whether it cost anything); never `unclaimed`
  for (const x of r.restarts) {
    expect(x.exitCode).toBe(0);
    expect(x.handOver.map((h) => h.cameraId).sort()).toEqual(['cam1', 'cam2']);
    for (const h of x.handOver) expect(['recorded', 'timeout']).toContain(h.why);
  }
  for (const c of Object.values(r.coverage)) {
    for (const g of c.gaps) expect(g.cause).not.toBe('unknown');
    expect(c.ratio).toBeGreaterThanOrEqual(0.99);
  }
}, 900_000);
