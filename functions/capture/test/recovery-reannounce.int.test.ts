/**
 * Issue #18.6: after Redis restarted empty (no dedup keys left), a recorder failure must not
 * re-announce the whole run. Recovery announces only segments not yet announced (kept on disk
 * beside the segment list), and recovered clips do not make a camera "online".
 * Real files, real Redis, real ffmpeg (pointed at a closed port, so nothing live records).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ClipJob } from '../../shared/src/clip-job';
import { clipStamp } from '../../shared/src/clip-job';
import { ANNOUNCED_FILE } from '../src/adapters/recorder/staging-run';
import type { CaptureHandle } from '../src/app/start-capture';
import { crashedRun, startRecoveringCapture } from './crashed-run';
import { captureTestRig } from './rig';
import { waitFor } from '../../../test/support';

let clipsDir: string | undefined;
let capture: CaptureHandle | undefined;
const { prefix, keys, redis } = captureTestRig(() => [capture, clipsDir]);

test('#18.6 after Redis restarts empty, recovery announces only segments not yet announced, and they do not count as liveness', async () => {
  const staged = await crashedRun('capture-reannounce-', 'earlier-run-1');
  clipsDir = staged.clipsDir;
  const { tiny, t, run } = staged;
  // a long run: 12 clips renamed and announced before the failure, the 13th renamed but not announced
  const names = Array.from({ length: 13 }, (_, i) => `seg-${String(i).padStart(6, '0')}.mp4`);
  for (const i of names.keys())
    await fs.writeFile(path.join(clipsDir, 'cam1', `${clipStamp(new Date((t + 5 * i) * 1000))}.mp4`), tiny);
  await fs.writeFile(
    path.join(run, 'list.csv'),
    names.map((n, i) => `${n},${5 * i}.000000,${5 * i + 5}.000000\n`).join(''),
  );
  await fs.writeFile(
    path.join(run, ANNOUNCED_FILE),
    names
      .slice(0, 12)
      .map((n) => `${n}\n`)
      .join(''),
  );
  const old = new Date(Date.now() - 120_000);
  for (const f of await fs.readdir(run)) await fs.utimes(path.join(run, f), old, old);
  // the list's mtime is when its last segment closed: the clips are dated from it (issue #26.5)
  await fs.utimes(path.join(run, 'list.csv'), old, new Date((t + 65) * 1000));
  await fs.utimes(run, old, old);
  // Redis is empty for this prefix: no dedup key remembers the 12 announced clips

  capture = await startRecoveringCapture(clipsDir, prefix);
  await waitFor(
    () =>
      fs.access(run).then(
        () => false,
        () => true,
      ),
    { timeoutMs: 15_000, what: 'the earlier run folder to be recovered and removed' },
  );
  const jobs = (await redis.lrange(keys.clips, 0, -1)).map((j) => JSON.parse(j) as ClipJob);
  expect(jobs.map((j) => j.path)).toEqual([`cam1/${clipStamp(new Date((t + 60) * 1000))}.mp4`]);
  // a recovered clip is not a sign of life: nothing records (closed port)
  const ready = await capture.readiness();
  expect((ready.detail?.cameras as Record<string, string>).cam1).not.toBe('online');
}, 40_000);
