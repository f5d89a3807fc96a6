import { rollingRestart } from '../support/system/rolling-restart';
import type { TestStack } from '../support/system/stack';

/**
 * Issue #26 "A capture pod's SIGTERM in a rolling update loses no judged time", short version (5
 * restarts over a longer run: test/reliability/rolling-restart.soak.test.ts): 2 rolling restarts of
 * capture as Kubernetes does them (the new replica Ready first, then SIGTERM to the old one) while 2
 * cameras record. The old replica hands each camera over while recording and stops it once the new
 * owner has a clip (functions/capture/src/core/handoff.ts). Coverage is measured from the judged
 * windows alerts keeps, every gap is listed with its cause.
 */
let stack: TestStack | undefined;
afterAll(async () => {
  await stack?.stop();
});

it('a rolling restart of capture hands every camera over while recording: coverage ≥ 99 %, each gap listed with its cause', async () => {
  const r = await rollingRestart({ restarts: 2, segmentSeconds: 2, runSeconds: 30 });
  stack = r.stack;
  for (const [i, x] of r.restarts.entries())
    console.log(
      `restart ${i + 1} at ${x.at}: old replica exited ${x.exitCode} after ${x.stopMs} ms; ${JSON.stringify(x.handOver)}`,
    );
  for (const [cam, c] of Object.entries(r.coverage)) {
    console.log(
      `${cam}: coverage ${(c.ratio * 100).toFixed(2)} % of ${((c.to - c.from) / 1000).toFixed(0)} s (whole run from its first clip ${(r.whole[cam]!.ratio * 100).toFixed(2)} % of ${((r.whole[cam]!.to - r.whole[cam]!.from) / 1000).toFixed(0)} s); gaps ${JSON.stringify(c.gaps.map((g) => ({ at: new Date(g.from).toISOString(), s: g.seconds, cause: g.cause })))}; holes ≥ 0.2 s ${JSON.stringify(r.holes[cam])}`,
    );
  }
  // every restart: a clean exit, and both cameras handed over make-before-break (the new owner had a clip)
  for (const x of r.restarts) {
    expect(x.exitCode).toBe(0);
    expect(x.handOver.map((h) => `${h.cameraId}:${h.why}`).sort()).toEqual(['cam1:recorded', 'cam2:recorded']);
  }
  for (const c of Object.values(r.coverage)) {
    // a gap that does exist is listed with its cause, never unexplained
    for (const g of c.gaps) expect(g.cause).not.toBe('unknown');
    expect(c.ratio).toBeGreaterThanOrEqual(0.99);
  }
}, 240_000);
