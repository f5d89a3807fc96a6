/**
 * Issue #26.9 / #26.5, capture's side of a zone edit: the recorder restarts to draw the new zones
 * into its model clips, and that restart costs at most one segment of coverage. An rtsp-sim
 * camera (1 s GOP: its model clips pair with its clips whatever its keyframes' phase, one clock and a
 * one-frame cut lead, core/recorder-args.ts), SEGMENT_SECONDS=2, zones changed in the
 * registry while recording: the clips before the edit carry the old zones' hash, the clips after
 * it the new one, never interleaved, and the video lost over the restart (time spanned minus the
 * clips' own durations, which does not depend on how each clip is dated) is ≤ SEGMENT_SECONDS.
 * (A clip that still carries the old zones is redrawn by inference: inference/test/zone-change.int.test.ts.)
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Zone } from '../../shared/src/camera-registry/schema';
import type { ClipJob } from '../../shared/src/clip-job';
import { CameraRegistry } from '../../shared/src/camera-registry/store';
import { createRegistry } from '../../shared/src/metrics';
import { zonesHash } from '../../shared/src/zones/render';
import { startCapture, type CaptureHandle } from '../src/app/start-capture';
import { startSim, testConfig, warningLog } from './helpers';
import type { RtspSimHandle } from '../../../simulator/cameras/src/index';
import { waitFor } from '../../../test/support';
import { captureTestRig } from './rig';

// 2 s, not 4 (issue #22: this file waits on real time, ~6 clips): the claim is "≤ 1 segment lost", so a shorter
// segment only makes the bound tighter (measured loss 372 ms at 4 s), and the 1 s GOP still pairs every clip
const SEGMENT = 2;
let sim: RtspSimHandle | undefined;
let capture: CaptureHandle | undefined;
let clipsDir = '';

const { prefix, keys, redis } = captureTestRig(() => [capture, sim, clipsDir]);

const zone = (name: string, x: number): Zone => ({
  name,
  kind: 'restricted',
  polygon: [
    [x, 0.1],
    [x + 0.3, 0.1],
    [x + 0.3, 0.5],
  ],
});

/** The capture's warnings: why a clip went without its model clip, shown if the wait times out. */
const { logger, warnings } = warningLog();

test('a zone edit restarts the recorder with the new zones and loses ≤ 1 segment', async () => {
  const OLD = [zone('old', 0.1)];
  const NEW = [zone('new', 0.5)];
  sim = await startSim(1);
  const url = sim.urlFor(1);
  const reg = new CameraRegistry(redis, keys);
  await reg.put('cam1', { url, transport: 'udp', zones: OLD });
  clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'capture-zone-edit-'));
  capture = await startCapture(
    testConfig({
      CLIPS_DIR: clipsDir,
      REDIS_PREFIX: prefix,
      NUM_STREAMS: '1',
      SEGMENT_SECONDS: String(SEGMENT),
      CAMERA_LEASE_TTL_SECONDS: '3',
    }),
    { registry: createRegistry('capture-zone-edit', false), logger },
  );
  const jobs = async () =>
    (await redis.lrange(keys.clips, 0, -1))
      .map((j) => JSON.parse(j) as ClipJob)
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const withHash = (all: ClipJob[], zs: Zone[]) => all.filter((j) => j.model?.zonesHash === zonesHash(zs));
  await waitFor(async () => ((await jobs()).length >= 3 ? true : undefined), {
    timeoutMs: 60_000,
    what: 'three clips with the old zones',
  });
  const editedAt = Date.now();
  await reg.put('cam1', { url, transport: 'udp', zones: NEW });
  // the new run's clips carry the new zones' hash (both outputs on one clock, so a 1 s GOP always pairs)
  const all = await waitFor(
    async () => {
      const j = await jobs();
      return withHash(j, NEW).length >= 2 ? j : undefined;
    },
    {
      timeoutMs: 60_000,
      what: async () =>
        `two clips drawn with the new zones; have ${JSON.stringify((await jobs()).map((j) => [j.startedAt, j.durationMs, j.model?.zonesHash]))}; the capture warned:\n${warnings.join('\n')}`,
    },
  );
  const before = withHash(all, OLD);
  const after = withHash(all, NEW);
  // never interleaved: every old-zone clip ends before the first new-zone clip starts. Within 1 s: the
  // wall-clock dates come from the segment lists' mtimes, and a new run's first clip is dated back from its
  // listing by its media's length, which an RTSP server's burst at connect makes a few frames longer than
  // the wall time it took (overlaps of 120–280 ms measured); an interleaved clip would overlap by a whole segment (2 s)
  const end = (j: ClipJob) => Date.parse(j.startedAt) + j.durationMs;
  if (before.length > 0 && after.length > 0)
    expect(end(before.at(-1)!)).toBeLessThanOrEqual(Date.parse(after[0]!.startedAt) + 1000);
  // no clip that began after the edit's restart carries the old zones (one segment for the restart itself)
  expect(before.filter((j) => Date.parse(j.startedAt) > editedAt + SEGMENT * 1000)).toEqual([]);
  expect(before.length).toBeGreaterThanOrEqual(2);
  console.log(`zone edit: ${before.length} old-zone and ${after.length} new-zone model clips`);
  // coverage from the run's second clip (the first joined mid-stream) to the last: spanned − recorded
  const judged = all.slice(1);
  const spanned = end(judged.at(-1)!) - Date.parse(judged[0]!.startedAt);
  const lostMs = spanned - judged.reduce((a, j) => a + j.durationMs, 0);
  console.log(`zone edit: ${judged.length} clips, ${spanned} ms spanned, ${lostMs} ms of video lost over the restart`);
  expect(lostMs).toBeLessThanOrEqual(SEGMENT * 1000);
}, 150_000);
