/**
 * Crash recovery of the staging folder: clips a dead recorder had listed are finished and
 * enqueued (idempotently), a clip renamed but not enqueued is enqueued, a partial one is
 * quarantined with its reason. Real files, real Redis, real ffmpeg (pointed at a closed port).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ClipJob } from '../../shared/src/clip-job';
import { clipStamp } from '../../shared/src/clip-job';
import type { CaptureHandle } from '../src/app/start-capture';
import { crashedRun, startRecoveringCapture } from './crashed-run';
import { captureTestRig } from './rig';
import { waitFor } from '../../../test/support';

let clipsDir: string | undefined;
let capture: CaptureHandle | undefined;
const { prefix, keys, redis } = captureTestRig(() => [capture, clipsDir]);

test('leftovers of a crashed recorder are finished, enqueued once, or quarantined', async () => {
  const staged = await crashedRun('capture-recovery-', 'dead-replica-1');
  clipsDir = staged.clipsDir;
  const { tiny, t, run } = staged;
  // listed and still in staging (crash before rename)
  await fs.writeFile(path.join(run, 'seg-000000.mp4'), tiny);
  // listed, already renamed, never enqueued (crash between rename and enqueue)
  const renamed = `cam1/${clipStamp(new Date((t + 5) * 1000))}.mp4`;
  await fs.writeFile(path.join(clipsDir, renamed), tiny);
  // never listed: ffmpeg was killed while writing it
  await fs.writeFile(path.join(run, 'seg-000002.mp4'), tiny.subarray(0, 48));
  await fs.writeFile(
    path.join(run, 'list.csv'),
    'seg-000000.mp4,0.000000,1.000000\nseg-000001.mp4,5.000000,6.000000\n',
  );
  const old = new Date(Date.now() - 120_000);
  for (const f of await fs.readdir(run)) await fs.utimes(path.join(run, f), old, old);
  // the list's mtime is when its last segment closed: the clips are dated from it (issue #26.5)
  await fs.utimes(path.join(run, 'list.csv'), old, new Date((t + 6) * 1000));
  await fs.utimes(run, old, old); // a crashed run's folder is old too (its mtime moves with every file created or renamed out)

  capture = await startRecoveringCapture(clipsDir, prefix);
  const jobs = await waitFor(
    async () => {
      const list = (await redis.lrange(keys.clips, 0, -1)).map((j) => JSON.parse(j) as ClipJob);
      return list.length >= 2 ? list : undefined;
    },
    { timeoutMs: 15_000, what: 'the recovered clips to be enqueued' },
  );
  expect(jobs.map((j) => j.path).sort()).toEqual([`cam1/${clipStamp(new Date(t * 1000))}.mp4`, renamed].sort());
  expect(jobs.find((j) => j.path === renamed)?.durationMs).toBe(1000);
  await waitFor(
    () =>
      fs.access(run).then(
        () => false,
        () => true,
      ),
    { timeoutMs: 5_000, what: 'the dead run folder to be removed' },
  );
  const quarantined = await fs.readdir(path.join(clipsDir, '.quarantine', 'cam1'));
  expect(quarantined).toEqual(expect.arrayContaining(['seg-000002.mp4', 'seg-000002.mp4.reason.json']));
  const reason = JSON.parse(
    await fs.readFile(path.join(clipsDir, '.quarantine', 'cam1', 'seg-000002.mp4.reason.json'), 'utf8'),
  ) as { code: string };
  expect(reason.code).toBe('partial');

  // a second recovery pass (e.g. the periodic one) enqueues nothing twice
  await capture.sweepRetention();
  expect(await redis.llen(keys.clips)).toBe(2);
}, 40_000);
