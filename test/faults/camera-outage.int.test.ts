import { expectOutageBounded } from '../support/system/camera-outage';

/**
 * Issue #26.5, short versions (the 20 s ones: test/reliability/camera-outage.soak.test.ts): a real
 * RTSP server we did not write (gst-rtsp-server) as the camera, SEGMENT_SECONDS=2 and an RTSP
 * timeout of 2 s, so the stall watchdog's limit is 2 × 2 + 2 = 6 s. Each outage is followed by clips
 * and verdicts, no dead letter, no burst of sub-second clips, and a hole in the timeline of at most
 * the outage + 5 s (stamps are whole seconds: measured to ±1 s).
 */
jest.setTimeout(150_000);

it.each([
  // longer than the watchdog's limit: ffmpeg never exits by itself (the session stays open)
  { kind: 'stall' as const, outageSeconds: 8 },
  // shorter than it: the stream's clock jumps by 3 s inside one run
  { kind: 'stall' as const, outageSeconds: 3 },
  // the server is gone for 6 s, then the same camera answers on the same port
  { kind: 'reboot' as const, outageSeconds: 6 },
])('$kind of $outageSeconds s: clips and verdicts after it, hole ≤ outage + 5 s', async ({ kind, outageSeconds }) => {
  await expectOutageBounded({ kind, outageSeconds, segmentSeconds: 2, rtspTimeoutSeconds: 2 });
});
