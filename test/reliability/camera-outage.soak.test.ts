import { expectOutageBounded } from '../support/system/camera-outage';

/**
 * Issue #26.5 "Done when", full length (npm run test:reliability; the short versions are in
 * test/faults/camera-outage.int.test.ts): an encoder stall of 20 s and a server restart after 20 s
 * against gst-rtsp-server, with the production SEGMENT_SECONDS=5 and RTSP timeout 5 s (watchdog
 * limit 15 s). Each gets clips and verdicts afterwards, no dead letter, no sub-second burst, and a
 * hole of at most the outage + 5 s.
 */
jest.setTimeout(240_000);

it.each([
  { kind: 'stall' as const, outageSeconds: 20 },
  { kind: 'reboot' as const, outageSeconds: 20 },
])('$kind of $outageSeconds s: hole ≤ outage + 5 s', async ({ kind, outageSeconds }) => {
  await expectOutageBounded({ kind, outageSeconds, segmentSeconds: 5, rtspTimeoutSeconds: 5 });
});
