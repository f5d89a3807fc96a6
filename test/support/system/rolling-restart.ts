import { CoverageStore } from '../../../functions/shared/src/coverage-store';
import { parseJudged, type Coverage } from '../../../functions/shared/src/coverage';
import { drained } from './checks';
import { startStack, type TestStack } from './stack';
import { waitFor } from '../wait';

/**
 * Issue #26.7's rolling restart: capture stopped (SIGTERM, as a pod in a rolling update) and
 * started again `restarts` times while 2 rtsp-sim cameras record and inference judges them; the
 * coverage of the window from the first judged clip to the last, per camera, with each gap and its
 * cause, from the same Redis data `GET /api/coverage` reads.
 */
export async function rollingRestart(o: {
  restarts: number;
  segmentSeconds: number;
  runSeconds: number;
}): Promise<{ coverage: Record<string, Coverage>; stack: TestStack }> {
  const stack = await startStack({
    cameras: 2,
    mapping: { cam1: 'safe', cam2: 'safe' },
    env: { SEGMENT_SECONDS: String(o.segmentSeconds), CAPTURE_STAGGER_MS: '0' },
  });
  const s = stack;
  const fail = (err: Error) => {
    throw new Error(`${err.message}\n${s.logs()}`);
  };
  try {
    // alerts keeps the judged windows (from verdict.created, through the stack's broker)
    await Promise.all([s.start('vllmSim'), s.start('alerts')]);
    await Promise.all([s.start('inference'), s.start('capture')]);
    const clips = () => s.recordedClips().length;
    await waitFor(() => clips() >= 4, { timeoutMs: 60_000, what: 'both cameras recording', everyMs: 200 }).catch(fail);
    const t0 = Date.now();
    for (let i = 0; i < o.restarts; i++) {
      const before = clips();
      await waitFor(() => Date.now() - t0 >= ((i + 1) * o.runSeconds * 1000) / (o.restarts + 1), {
        timeoutMs: o.runSeconds * 1000,
        what: 'the next restart time',
        everyMs: 200,
      });
      const capture = s.part('capture')!;
      capture.kill('SIGTERM');
      await capture.exited;
      await s.start('capture');
      await waitFor(() => clips() >= before + 2, {
        timeoutMs: 60_000,
        what: 'clips after restart',
        everyMs: 200,
      }).catch(fail);
    }
    await waitFor(() => Date.now() - t0 >= o.runSeconds * 1000, {
      timeoutMs: o.runSeconds * 1000,
      what: 'the end of the run',
      everyMs: 200,
    });
    await s.part('capture')!.stop(15_000);
    await waitFor(() => drained(s), { timeoutMs: 60_000, what: 'every clip judged', everyMs: 250 }).catch(fail);
    // alerts learns each judged window from verdict.created through the broker, a moment after the
    // verdict is stored: under load the early windows were still on their way, so the window began after
    // both restarts and showed no gap. Wait until alerts holds a window for every judged clip.
    const judgedClips = (await s.verdictCounts()).size;
    const windows = async () => {
      let n = 0;
      for (const cam of ['cam1', 'cam2']) n += await s.redis.zcard(s.keys.coverageJudged(cam));
      return n;
    };
    await waitFor(async () => (await windows()) >= judgedClips, {
      timeoutMs: 60_000,
      what: () => `alerts to hold a judged window for each of the ${judgedClips} judged clips`,
      everyMs: 250,
    }).catch(fail);
    const store = new CoverageStore(s.redis, s.keys);
    const coverage: Record<string, Coverage> = {};
    for (const cam of ['cam1', 'cam2']) {
      const members: string[] = await s.redis.zrange(s.keys.coverageJudged(cam), '0', '-1');
      const judged = members.map(parseJudged).filter((j) => j !== undefined);
      const from = Math.min(...judged.map((j) => j.start));
      const to = Math.max(...judged.map((j) => j.end));
      coverage[cam] = await store.coverage(cam, from, to);
    }
    return { coverage, stack };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}
