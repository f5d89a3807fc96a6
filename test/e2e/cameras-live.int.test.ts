/**
 * Cameras managed live (issue #15), end to end on `npm start`: one simulated camera running, then
 * a camera added through the alerts API — with the rtsp-sim scene's ground-truth zone drawn on
 * it — records its first clip and gets its first verdict within 30 s, with no restart; deleting
 * it stops its recorder (its ffmpeg is gone, capture no longer lists it, no clip follows).
 * The added camera points at the running rtsp-sim stream of cam1: rtsp-sim serves NUM_STREAMS
 * cameras, and the registry decides which ones capture records.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { redisKeys } from '../../functions/shared/src/keys';
import { computeGroundTruth } from '../../simulator/cameras/src/core/ground-truth';
import { findScene } from '../../simulator/cameras/src/core/scenes';
import { clipFiles, getJson } from './helpers';
import { alive, freePort, kill, pgrep, waitUntil } from '../support';

const REPO = path.resolve(__dirname, '../..');
const REDIS_URL = 'redis://127.0.0.1:6379';
const TOKEN = 'e2e-admin-token-0123456789';
const SCENE = 'restricted_zone_intrusion';
const ADDED = 'dock1';

interface StackJson {
  pid: number;
  state: string;
  redis: { pid?: number };
  parts: { name: string; url: string; pids: number[]; descendants: number[] }[];
}
interface CameraJson {
  id: string;
  url: string;
  zones: unknown[];
}

describe('npm start: a camera added through the API records and is judged within 30 s; deleting it stops its recorder', () => {
  const prefix = `test-${randomUUID()}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'safety-hanta-cams-'));
  const clipsDir = path.join(tmp, 'clips');
  const stackDir = path.join(tmp, 'stack');
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  const keys = redisKeys(prefix);
  let child: ChildProcess | undefined;
  let output = '';
  const readState = (): StackJson | undefined => {
    try {
      return JSON.parse(fs.readFileSync(path.join(stackDir, 'stack.json'), 'utf8')) as StackJson;
    } catch {
      return undefined;
    }
  };
  const reportedPids = (s: StackJson | undefined) =>
    s ? [s.pid, ...(s.redis.pid ? [s.redis.pid] : []), ...s.parts.flatMap((p) => [...p.pids, ...p.descendants])] : [];

  afterAll(async () => {
    if (child?.pid !== undefined) kill(-child.pid, 'SIGKILL');
    for (const pid of reportedPids(readState())) if (alive(pid)) kill(pid, 'SIGKILL');
    for (const pid of pgrep(tmp)) kill(pid, 'SIGKILL');
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (found.length > 0) await redis.del(...found);
    } while (cursor !== '0');
    redis.disconnect();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('adds, judges and removes a camera with no restart', async () => {
    const mapFile = path.join(tmp, 'scenes.json');
    fs.writeFileSync(mapFile, JSON.stringify({ cam1: SCENE }));
    const port = await freePort();
    const startScript = (
      JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: { start: string } }
    ).scripts.start;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${path.join(REPO, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      CLIPS_DIR: clipsDir,
      STACK_DIR: stackDir,
      PORT: String(port),
      NUM_STREAMS: '1',
      SCENE_MAP_FILE: mapFile,
      SCENE_SIZE: '640x360',
      SCENES_DIR: path.join(os.tmpdir(), 'safety-hanta-e2e-scenes'),
      SEGMENT_SECONDS: '5',
      STACK_STATUS: 'lines',
      STACK_STATUS_SECONDS: '5',
      LOG_LEVEL: 'info',
      ALERTS_AUTH_TOKEN: TOKEN,
    };
    const [command, ...args] = startScript.trim().split(/\s+/) as [string, ...string[]];
    child = spawn(command, args, { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const logTail = (part: string) => {
      try {
        return fs
          .readFileSync(path.join(stackDir, 'logs', `${part}.log`), 'utf8')
          .trim()
          .split('\n')
          .slice(-8)
          .join('\n');
      } catch {
        return '';
      }
    };
    const diag = () =>
      `stack output:\n${output.slice(-3000)}\n--- capture ---\n${logTail('capture')}\n--- inference ---\n${logTail('inference')}`;
    const dashboard = `http://127.0.0.1:${port}`;
    await waitUntil(() => readState()?.state === 'running', {
      timeoutMs: 150_000,
      what: () => `the stack to be running\n${diag()}`,
      everyMs: 500,
    });

    // the registry was seeded from NUM_STREAMS/RTSP_URL_TEMPLATE: cam1 only
    const seeded = await waitUntil(
      async () =>
        (await getJson<{ cameras: CameraJson[] }>(`${dashboard}/api/cameras`, { authorization: `Bearer ${TOKEN}` }))
          ?.cameras,
      { timeoutMs: 10_000, what: 'GET /api/cameras', everyMs: 500 },
    );
    expect(seeded.map((c) => c.id)).toEqual(['cam1']);
    const zones = computeGroundTruth(findScene(SCENE)!, { width: 640, height: 360, fps: 25 }).zones;

    const verdictsOf = async (cam: string) =>
      (await redis.xrange(keys.verdicts, '-', '+')).filter(([, f]) => f[f.indexOf('cameraId') + 1] === cam);
    const added = Date.now();
    const put = await fetch(`${dashboard}/api/cameras/${ADDED}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: seeded[0]!.url, site: 'loading dock', zones }),
    });
    expect(put.status).toBe(201);
    const firstClipMs = await waitUntil(
      () => (clipFiles(clipsDir).some((f) => f.startsWith(`${ADDED}/`)) ? Date.now() - added : undefined),
      { timeoutMs: 30_000, what: () => `${`a first clip of ${ADDED}`}\n${diag()}`, everyMs: 500 },
    );
    const firstVerdictMs = await waitUntil(
      async () => ((await verdictsOf(ADDED)).length > 0 ? Date.now() - added : undefined),
      {
        timeoutMs: 30_000 - (Date.now() - added),
        what: () => `${`a first verdict for ${ADDED} within 30 s`}\n${diag()}`,
        everyMs: 500,
      },
    );
    expect(firstVerdictMs).toBeLessThanOrEqual(30_000);

    // delete it: capture stops that recorder (its ffmpeg exits) and lists it no more
    const captureUrl = readState()!.parts.find((p) => p.name === 'capture')!.url;
    const recorders = async () =>
      ((await getJson<{ recorders: { cameraId: string }[] }>(`${captureUrl}/readyz`))?.recorders ?? []).map(
        (r) => r.cameraId,
      );
    expect(await recorders()).toContain(ADDED);
    const removed = Date.now();
    const del = await fetch(`${dashboard}/api/cameras/${ADDED}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(del.status).toBe(204);
    const stagingOf = path.join(clipsDir, '.staging', ADDED) + path.sep;
    const stopMs = await waitUntil(
      async () =>
        pgrep(stagingOf).length === 0 && !(await recorders()).includes(ADDED) ? Date.now() - removed : undefined,
      { timeoutMs: 30_000, what: () => `${`${ADDED}'s recorder to stop`}\n${diag()}`, everyMs: 500 },
    );
    expect(await recorders()).toContain('cam1'); // the others keep recording
    const clipsAfterStop = clipFiles(clipsDir).filter((f) => f.startsWith(`${ADDED}/`)).length;

    kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    // no process could have recorded it since: the count is final
    expect(clipFiles(clipsDir).filter((f) => f.startsWith(`${ADDED}/`)).length).toBe(clipsAfterStop);
    console.log(
      `cameras-live: first clip ${(firstClipMs / 1000).toFixed(1)} s, first verdict ${(firstVerdictMs / 1000).toFixed(1)} s after PUT; recorder stopped ${(stopMs / 1000).toFixed(1)} s after DELETE`,
    );
  }, 300_000);
});
