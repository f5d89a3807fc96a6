/**
 * End to end: `npm start` as a user runs it (the package.json start script, in its own process
 * group, Ctrl-C = SIGINT to that group), 4 simulated cameras — safe, fire, no_hard_hat,
 * restricted_zone_intrusion — for about a minute, against the real Redis, real ffmpeg, real
 * child processes and vllm-sim (the one stand-in: there is no GPU here).
 *
 * Asserts: each hazardous camera raises an incident of its hazard on the dashboard
 * (`/api/state` of the alerts function), the safe camera raises none, every clip capture
 * enqueued has exactly one verdict (the stack drains the queue on Ctrl-C before stopping
 * inference, so nothing may be left in flight, and nothing is dead-lettered: the last clip the Ctrl-C cuts is
 * judged on the frame it has, issue #26.6), every clip file on disk was enqueued, the stack
 * exits 0 and no process it reported (parts, their ffmpeg and servers) is left.
 */
import fs from 'node:fs';
import path from 'node:path';
import { computeGroundTruth } from '../../simulator/cameras/src/core/ground-truth';
import { findScene } from '../../simulator/cameras/src/core/scenes';
import { clipFiles, getJson, loginCookie } from './helpers';
import { alive, kill, pgrep, waitUntil } from '../support';
import { e2eStack, reportedPids } from './stack-run';

const CAMERAS = { cam1: 'safe', cam2: 'fire', cam3: 'no_hard_hat', cam4: 'restricted_zone_intrusion' } as const;
const SCENE_SIZE = { width: 640, height: 360 };
const SEGMENT_SECONDS = 5;

interface DashboardState {
  incidents: { incidentId: string; cameraId: string; hazards: { type: string }[]; status: string; openedAt: string }[];
}

/** The Notifications page's data: what notify's built-in outbox "sent" (issue #24, first run). */
interface Notifications {
  outbox: { at: string; message: { incidentId: string } }[];
}

/** How often the dashboard and the outbox are polled for issue #24's "within 2 s" (the measurement's resolution). */
const OUTBOX_POLL_MS = 100;

/**
 * How long the cameras must record so that every hazard is on screen at least twice: the
 * hazards start and stop inside each scene's loop (ground truth), and a warning needs 2 of 3
 * clips (INCIDENT_CONFIRM_K/N). Two full loops plus two clips of slack, at least 60 s.
 */
function recordSeconds(): number {
  let longest = 0;
  for (const name of Object.values(CAMERAS)) {
    const scene = findScene(name);
    if (!scene) throw new Error(`rtsp-sim has no scene ${name}`);
    const gt = computeGroundTruth(scene, { ...SCENE_SIZE, fps: 25 });
    if (gt.hazard !== null) {
      const onScreen = gt.seconds.filter((s) => s.hazards.length > 0).length;
      expect(onScreen).toBeGreaterThanOrEqual(SEGMENT_SECONDS); // long enough to be in two clips of every loop
    }
    longest = Math.max(longest, gt.duration);
  }
  return Math.max(60, 2 * longest + 2 * SEGMENT_SECONDS);
}

describe('npm start (e2e, 4 cameras, vllm-sim stands in for the GPU model server)', () => {
  const stack = e2eStack('e2e');
  const { redis, keys, clipsDir, stackDir, tmp, readState, diag } = stack;
  afterAll(() => stack.cleanup());

  it('raises every hazard, none on the safe camera, judges every clip, and Ctrl-C leaves nothing running', async () => {
    const mapFile = path.join(stack.tmp, 'scenes.json');
    fs.writeFileSync(mapFile, JSON.stringify(CAMERAS));
    const t0 = Date.now();
    const { child, dashboard, port } = await stack.start({
      // exactly a user's npm start: every part under tsx, not the tests' faster TypeScript hook (ts-loader.ts)
      SAFETY_HANTA_TS_HOOK: '',
      NUM_STREAMS: '4',
      SCENE_MAP_FILE: mapFile,
      SCENE_SIZE: `${SCENE_SIZE.width}x${SCENE_SIZE.height}`,
      SEGMENT_SECONDS: String(SEGMENT_SECONDS),
    });
    const exited = stack.exited();
    await stack.running();
    const readyMs = Date.now() - t0;

    // the dashboard asks for a login (issue #17); the stack printed a Jupyter-style URL that logs in
    expect(await getJson(`${dashboard}/api/state`)).toBeUndefined(); // 401 without it
    const printed = new RegExp(`http://localhost:${port}/login\\?token=[A-Za-z0-9_%-]+`).exec(stack.output())?.[0];
    expect(printed).toBeDefined();
    expect(readState()?.loginUrl).toBe(printed);
    const cookie = await loginCookie(printed!.replace('//localhost:', '//127.0.0.1:'));
    expect(cookie).toMatch(/^sh_session=/);
    const session = { cookie: cookie! };
    const runMs = recordSeconds() * 1000;

    // every hazardous camera raises its own hazard (via CloudEvents → alerts → /api/state)
    const wanted = Object.entries(CAMERAS).filter(([, scene]) => scene !== 'safe');
    const raised = (s: DashboardState | undefined, cam: string, type: string) =>
      s?.incidents.some((i) => i.cameraId === cam && i.hazards.some((h) => h.type === type)) ?? false;
    const first = await waitUntil(
      async () => {
        const s = await getJson<DashboardState>(`${dashboard}/api/state`, session);
        const inc = s?.incidents.slice().sort((a, b) => a.openedAt.localeCompare(b.openedAt))[0];
        return inc ? { id: inc.incidentId, seenAt: Date.now() } : undefined;
      },
      { timeoutMs: runMs, what: () => `the first incident on the dashboard\n${diag()}`, everyMs: OUTBOX_POLL_MS },
    );
    const firstIncidentMs = first.seenAt - t0 - readyMs;
    // issue #24: with no channel configured, the outbox (the Notifications page's API) lists the first incident's
    // message within 2 s of the dashboard showing the incident; both measured from the API, polled every 100 ms
    const inOutboxAt = await waitUntil(
      async () => {
        const n = await getJson<Notifications>(`${dashboard}/api/notifications`, session);
        return n?.outbox.some((o) => o.message.incidentId === first.id) ? Date.now() : undefined;
      },
      {
        timeoutMs: 30_000,
        what: () => `incident ${first.id} in the notify outbox\n${diag()}`,
        everyMs: OUTBOX_POLL_MS,
      },
    );
    const outboxLagMs = inOutboxAt - first.seenAt;
    console.log(`first incident ${first.id}: in the notify outbox ${outboxLagMs} ms after the dashboard showed it`);
    expect(outboxLagMs).toBeLessThanOrEqual(2000);
    await waitUntil(
      async () => {
        const s = await getJson<DashboardState>(`${dashboard}/api/state`, session);
        return wanted.every(([cam, type]) => raised(s, cam, type));
      },
      {
        timeoutMs: runMs + 20_000,
        what: () => `${`incidents ${wanted.map(([c, t]) => `${c}:${t}`).join(', ')}`}\n${diag()}`,
        everyMs: 500,
      },
    );
    // keep recording for the full run, so the safe camera had every chance to raise a false alarm
    const remaining = t0 + readyMs + runMs - Date.now();
    if (remaining > 0)
      await waitUntil(() => Date.now() >= t0 + readyMs + runMs, {
        timeoutMs: remaining + 1000,
        what: 'the end of the recording window',
        everyMs: 500,
      });

    // the status line (lines mode: stdout is not a terminal) reports the running pipeline
    expect(stack.output()).toMatch(
      /cameras 4\/4 · clips \d+\/min · queue \d+\+\d+ · verdicts 안전 \d+ 경고 \d+ 위험 [1-9]\d* 불확실 \d+ · incidents [1-9]/,
    );
    const before = readState();
    // the six parts; the local autoscaler may have added inference-N / vllm-sim-N replicas beside them
    expect(before?.parts.map((p) => p.name).filter((n) => !/^(inference|vllm-sim)-\d+$/.test(n))).toEqual([
      'rtsp-sim',
      'vllm-sim',
      'alerts',
      'inference',
      'capture',
      'notify',
    ]);
    expect(stack.output()).toMatch(/inference: 1 replica\(s\), scaled 1–8 by the local KEDA \+ HPA equivalent/);
    // Ctrl-C: SIGINT to the whole foreground group (the tsx CLI and the stack both get it; tsx relays it once more)
    kill(-child.pid!, 'SIGINT');
    let hang: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      exited,
      new Promise<'hung'>((r) => (hang = setTimeout(() => r('hung'), 90_000))),
    ]);
    clearTimeout(hang);
    const stopMs = Date.now() - t0;
    const ok = result !== 'hung' && result.code === 0;
    expect({ result, output: ok ? '' : diag() }).toEqual({ result: { code: 0, signal: null }, output: '' });

    // nothing left: every pid the stack reported (parts, restarts, their descendants, Redis if launched), the process group, and
    // anything whose command line mentions our temp dir (capture's ffmpeg writes under CLIPS_DIR)
    const after = readState();
    expect(after?.state).toBe('stopped');
    // stack.json lists the live tree, rewritten every second: take what it said while running and after the stop
    const pids = [...new Set([...reportedPids(before), ...reportedPids(after)])];
    const descendantsBefore = before?.parts.flatMap((p) => p.descendants) ?? [];
    expect(descendantsBefore.length).toBeGreaterThanOrEqual(9); // at least the RTSP server, 4 publishers and 4 recorders (ffmpeg)
    await waitUntil(() => pids.every((p) => !alive(p)) && pgrep(tmp).length === 0, {
      timeoutMs: 5000,
      what: () =>
        `all reported processes to be gone\n${(() => `alive: ${pids.filter(alive).join(' ')} · pgrep: ${pgrep(tmp).join(' ')}`)()}`,
      everyMs: 500,
    });
    expect(alive(child.pid!)).toBe(false);

    // one log per part, every line prefixed with its name
    const logsDir = path.join(stackDir, 'logs');
    for (const part of ['rtsp-sim', 'vllm-sim', 'alerts', 'inference', 'capture']) {
      const lines = fs
        .readFileSync(path.join(logsDir, `${part}.log`), 'utf8')
        .trim()
        .split('\n');
      expect(lines.filter((l) => !l.startsWith(`[${part}] `))).toEqual([]);
    }

    // the safe camera raised nothing, on the dashboard and in the incident engine
    const engine = await redis.hkeys(keys.incidents);
    expect(engine.filter((f) => f.startsWith('cam1:'))).toEqual([]);
    for (const [cam, type] of wanted) expect(engine).toContain(`${cam}:${type}`);

    // every enqueued clip has exactly one verdict; nothing queued or in flight (the stack drained the queue
    // before stopping inference), and nothing dead-lettered: the clip the Ctrl-C cut short, even one shorter
    // than a model frame, is judged on the frame it has (issue #26.6)
    const stats = await redis.hgetall(keys.queueStats);
    const enqueued = Number(stats.enqueued ?? 0);
    const verdicts = await redis.xrange(keys.verdicts, '-', '+');
    const verdictJobs = verdicts.map(([, f]) => f[f.indexOf('jobId') + 1]!);
    const dead = await redis.lrange(keys.dead, 0, -1);
    expect(dead).toEqual([]);
    // most of the clips 4 cameras record in the window (a loaded CI box may lose the first segments of a camera)
    expect(enqueued).toBeGreaterThanOrEqual(Math.floor(0.75 * 4 * (runMs / 1000 / SEGMENT_SECONDS)));
    expect({
      pending: await redis.llen(keys.clips),
      judged: verdicts.length,
      unique: new Set(verdictJobs).size,
    }).toEqual({ pending: 0, judged: enqueued, unique: enqueued });
    // …and every clip file on disk was enqueued (its job id is camera + start time)
    const files = clipFiles(clipsDir);
    expect(files.length).toBeLessThanOrEqual(enqueued);
    expect(files.length).toBe(enqueued);

    console.log(
      `e2e: ready ${(readyMs / 1000).toFixed(1)} s, first incident ${(firstIncidentMs / 1000).toFixed(1)} s after ready, ` +
        `${enqueued} clips = ${verdicts.length} verdicts, 0 dead letters, stopped at ${(stopMs / 1000).toFixed(1)} s`,
    );
  }, 300_000);
});
