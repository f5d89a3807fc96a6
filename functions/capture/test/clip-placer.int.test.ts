/**
 * Two replicas record one camera for a moment during a make-before-break hand-over (core/handoff.ts):
 * their clips of the same second, placed at the same moment, must both survive under distinct names.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../shared/src/logger';
import type { ClipRecorded } from '../../shared/src/events';
import { ClipPlacer } from '../src/adapters/recorder/clip-placer';
import type { CaptureMetrics } from '../src/adapters/metrics';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clip-placer-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test('two placers of one camera never overwrite each other’s clip of the same second', async () => {
  const taken: ClipRecorded[] = [];
  const placer = () =>
    new ClipPlacer({
      cameraId: 'cam1',
      clipsDir: root,
      logger: createLogger('placer-test', 'silent'),
      metrics: {} as CaptureMetrics,
      onClip: async (data) => void taken.push(data),
    });
  const [a, b] = [placer(), placer()];
  const listedAt = Date.parse('2026-12-07T02:00:05.400Z');
  const runs = ['run-a', 'run-b'].map((r) => path.join(root, '.staging', 'cam1', r));
  runs.forEach((dir, i) => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'seg-000001.mp4'), `clip of replica ${i}`);
  });
  const seg = { file: 'seg-000001.mp4', start: 0, end: 5, listedAt };
  for (let round = 0; round < 20; round++) {
    // the same second, at the same moment, from both
    await Promise.all([a.finish(runs[0]!, seg, undefined, true), b.finish(runs[1]!, seg, undefined, true)]);
    runs.forEach((dir, i) => fs.writeFileSync(path.join(dir, 'seg-000001.mp4'), `clip ${round} of replica ${i}`));
  }
  const files = fs.readdirSync(path.join(root, 'cam1')).filter((f) => f.endsWith('.mp4'));
  expect(files).toHaveLength(40);
  expect(new Set(taken.map((t) => t.path)).size).toBe(40);
  // every clip keeps its own start to the millisecond, whatever second its name was bumped to
  for (const t of taken) expect(t.startedAt).toBe('2026-12-07T02:00:00.400Z');
});
