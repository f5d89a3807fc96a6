import { CameraRegistry } from '../../../functions/shared/src/camera-registry/store';
import { deadLetters, drained, ledger } from './checks';
import { startStack, type TestStack } from './stack';
import { cameraTimeline, largestGapMs, subSecondBursts } from './timeline';
import { waitFor } from '../wait';
import { startGstCamera, type GstCamera } from '../gst-camera';

export interface OutageResult {
  clips: number;
  gapMs: number;
  subSecond: number;
  bursts: string[][];
  dead: number;
  missing: string[];
  restarts: string;
}

/**
 * One camera (gst-rtsp-server, TCP) recorded by a real capture, judged by real inference against
 * vllm-sim (no GPU here), through one outage: `stall` (frames stop, RTSP session kept open) or
 * `reboot` (server killed, the same camera back on the same port). Returns the timeline afterwards
 * (issue #26.5): the largest hole, sub-second clips, dead letters, clips without a verdict.
 */
export async function cameraOutage(o: {
  kind: 'stall' | 'reboot';
  outageSeconds: number;
  segmentSeconds: number;
  rtspTimeoutSeconds: number;
}): Promise<{ result: OutageResult; cleanup: () => Promise<void> }> {
  let cam: GstCamera | undefined;
  let stack: TestStack | undefined;
  const cleanup = async () => {
    await stack?.stop();
    await cam?.stop();
  };
  try {
    cam = await startGstCamera({ gop: 1, fps: 10, width: 320, height: 180, kbps: 300 });
    stack = await startStack({
      cameras: 0,
      env: {
        SEGMENT_SECONDS: String(o.segmentSeconds),
        RTSP_TIMEOUT_SECONDS: String(o.rtspTimeoutSeconds),
        CAPTURE_STAGGER_MS: '0',
      },
      partEnv: { capture: { RTSP_TRANSPORT: 'tcp' } },
    });
    const s = stack;
    const fail = (err: Error) => {
      throw new Error(`${err.message}\n${s.logs()}`);
    };
    // put before capture seeds NUM_STREAMS=1: the seed never overwrites an entry (HSETNX); added cameras are tcp
    await new CameraRegistry(s.redis, s.keys).put('cam1', { url: cam.url });
    await s.start('vllmSim');
    await Promise.all([s.start('inference'), s.start('capture')]);
    const clips = () => s.recordedClips().filter((c) => c.startsWith('cam1/'));
    await waitFor(() => clips().length >= 3, { timeoutMs: 60_000, what: 'cam1 recording', everyMs: 200 }).catch(fail);
    const before = clips().length;
    if (o.kind === 'stall') await cam.stall(o.outageSeconds);
    else await cam.restart(o.outageSeconds * 1000);
    // clips of the stream after the outage (the stall resumes by itself after outageSeconds)
    await waitFor(() => clips().length >= before + 4, {
      timeoutMs: (o.outageSeconds + 60) * 1000,
      what: 'clips after the outage',
      everyMs: 250,
    }).catch(fail);
    const restarts = (s.part('capture')?.logs() ?? '')
      .split('\n')
      .filter((l) => /restarting the recorder|respawning/.test(l))
      .map((l) => /"cause":"(\w+)"/.exec(l)?.[1] ?? '?')
      .join(',');
    await s.part('capture')!.stop(15_000);
    await waitFor(() => drained(s), { timeoutMs: 60_000, what: 'every clip judged', everyMs: 250 }).catch(fail);
    const l = await ledger(s);
    const timeline = await cameraTimeline(s.clipsDir, l.clips, 'cam1');
    const { gapMs } = largestGapMs(timeline);
    return {
      result: {
        clips: timeline.length,
        gapMs,
        subSecond: timeline.filter((c) => c.durationMs < 1000).length,
        bursts: subSecondBursts(timeline),
        dead: (await deadLetters(s)).length,
        missing: l.missing,
        restarts,
      },
      cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * Runs one outage and checks its timeline: clips and verdicts after it, no dead letter, no burst
 * of sub-second clips, a hole of at most the outage + 5 s (stamps are whole seconds). Cleans up
 * whatever fails.
 */
export async function expectOutageBounded(o: Parameters<typeof cameraOutage>[0]): Promise<void> {
  const { result, cleanup } = await cameraOutage(o);
  try {
    console.log(`${o.kind} ${o.outageSeconds} s: ${JSON.stringify(result)}`);
    expect(result.missing).toEqual([]);
    expect(result.dead).toBe(0);
    expect(result.bursts).toEqual([]);
    expect(result.gapMs).toBeLessThanOrEqual((o.outageSeconds + 5) * 1000);
  } finally {
    await cleanup();
  }
}
