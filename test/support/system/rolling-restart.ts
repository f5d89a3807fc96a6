import { CoverageStore } from '../../../functions/shared/src/coverage-store';
import { coverageHoles, parseJudged, type Coverage } from '../../../functions/shared/src/coverage';
import { drained } from './checks';
import { startStack, type TestStack } from './stack';
import { waitFor } from '../wait';
import { within } from '../../../functions/shared/src/async';

/** One restart: how long the old replica took from SIGTERM to exit, and how each camera's hand-over ended. */
export interface RestartReport {
  /** When the old replica got SIGTERM. */
  at: string;
  stopMs: number;
  exitCode: number | null;
  /** From the old replica's log: `recorded` (make-before-break), else `unclaimed` or `timeout` (a gap). */
  handOver: { cameraId: string; why: string; ms: number }[];
}

/**
 * Issue #26.7's rolling restart, as Kubernetes rolls a Deployment with maxSurge 1 / maxUnavailable 0
 * (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment):
 * `restarts` times a new capture replica is started and waited for until Ready (its /readyz), and
 * only then the old one gets SIGTERM (the kubelet signals the container's main process, not its
 * ffmpeg children: so does this helper). Meanwhile 2 rtsp-sim cameras record and inference judges
 * them. Returns the coverage of the window from the first judged clip to the last, per camera, with
 * each gap and its cause, from the same Redis data `GET /api/coverage` reads, and per restart how
 * long the old replica took to stop and which cameras it handed over (its log).
 */
export async function rollingRestart(o: { restarts: number; segmentSeconds: number; runSeconds: number }): Promise<{
  /** Per camera, the window of the restarts: from when both cameras recorded to the last judged clip. */
  coverage: Record<string, Coverage>;
  /** Per camera, the whole run from its first judged clip (start-up included). */
  whole: Record<string, Coverage>;
  /** Per camera every hole in the judged windows of 0.2 s or more, also those under coverage's 1.5 s gap threshold. */
  holes: Record<string, { at: string; ms: number }[]>;
  restarts: RestartReport[];
  stack: TestStack;
}> {
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
    const restarts: RestartReport[] = [];
    for (let i = 0; i < o.restarts; i++) {
      const before = clips();
      await waitFor(() => Date.now() - t0 >= ((i + 1) * o.runSeconds * 1000) / (o.restarts + 1), {
        timeoutMs: o.runSeconds * 1000,
        what: 'the next restart time',
        everyMs: 200,
      });
      // make before break: the new replica first, Ready (its first lease round heartbeated)…
      const { old } = await s.surge('capture').catch(fail);
      // …then SIGTERM to the old one's main process only (its ffmpeg children keep recording)
      const sigterm = Date.now();
      const at = new Date(sigterm).toISOString();
      process.kill(old!.pid, 'SIGTERM');
      const exit = await within(old!.exited, 60_000, undefined);
      if (!exit) fail(new Error('the old capture replica did not exit within 60 s of SIGTERM'));
      await old!.stop(1000); // anything left in its process group
      restarts.push({
        at,
        stopMs: Date.now() - sigterm,
        exitCode: exit?.code ?? null,
        handOver: old!
          .records()
          .filter((r) => typeof r.msg === 'string' && r.msg.startsWith('hand-over:'))
          .map((r) => ({ cameraId: String(r.cameraId), why: String(r.why), ms: Number(r.ms) })),
      });
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
    const holes: Record<string, { at: string; ms: number }[]> = {};
    const whole: Record<string, Coverage> = {};
    for (const cam of ['cam1', 'cam2']) {
      const members: string[] = await s.redis.zrange(s.keys.coverageJudged(cam), '0', '-1');
      const judged = members.map(parseJudged).filter((j) => j !== undefined);
      const first = Math.min(...judged.map((j) => j.start));
      const to = Math.max(...judged.map((j) => j.end));
      // the rolling restart's window: from when both cameras recorded (t0) to the last judged clip
      // (the start-up's first clips are not part of a restart; `whole` keeps the run from its first clip)
      const from = Math.max(first, t0);
      coverage[cam] = await store.coverage(cam, from, to);
      whole[cam] = await store.coverage(cam, first, to);
      holes[cam] = coverageHoles({ from: first, to }, judged)
        .holes.filter((h) => h.to - h.from >= 200)
        .map((h) => ({ at: new Date(h.from).toISOString(), ms: h.to - h.from }));
    }
    return { coverage, whole, holes, restarts, stack };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}
