/**
 * Capture applies the camera registry live (real Redis, real rtsp-sim, real ffmpeg recorders):
 * an added camera is recorded, a disabled one stops, a changed URL restarts that recorder on the
 * new stream, a deleted one stops — all without restarting capture.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CameraRegistry } from '../../shared/src/camera-registry/store';
import { redisKeys } from '../../shared/src/keys';
import type { RtspSimHandle } from '../../../simulator/cameras/src/index';
import { startCapture, type CaptureHandle } from '../src/app/start-capture';
import { simTemplate, startSim, testConfig } from './helpers';
import { captureTestRig } from './rig';
import { waitFor } from '../../../test/support';

jest.setTimeout(90_000);

describe('capture reconciles its recorders with the camera registry', () => {
  let sim: RtspSimHandle | undefined;
  let capture: CaptureHandle | undefined;
  let clipsDir = '';
  const { prefix, keys, redis } = captureTestRig(() => [capture, sim, clipsDir]);
  const registry = new CameraRegistry(redis, keys);

  beforeAll(async () => {
    clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'capture-registry-'));
    sim = await startSim(2);
  });

  const clipsOf = async (cam: string) =>
    (await fs.readdir(path.join(clipsDir, cam)).catch(() => [] as string[])).filter((f) => f.endsWith('.mp4'));
  /** The RTSP URLs the camera's running ffmpeg recorders read (from their command lines). */
  const recordingUrls = (cam: string): string[] => {
    let pids: string[];
    try {
      pids = execFileSync('pgrep', ['-f', path.join(clipsDir, '.staging', cam) + path.sep], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean);
    } catch {
      return []; // pgrep exits 1 when nothing matches
    }
    return pids.flatMap((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
          .split('\0')
          .filter((a) => a.startsWith('rtsp://'));
      } catch {
        return [];
      }
    });
  };

  it('adds, disables, re-points and deletes cameras without a restart', async () => {
    capture = await startCapture(
      testConfig({
        REDIS_PREFIX: prefix,
        CLIPS_DIR: clipsDir,
        NUM_STREAMS: '1',
        RTSP_URL_TEMPLATE: simTemplate(sim!),
        // 1 s clips (issue #22: the test waits in real time for a clip of the added and of the re-pointed camera);
        // what is checked is which recorders run on which URL, not a clip's length (the sim's GOP is 1 s)
        SEGMENT_SECONDS: '1',
        CAMERA_LEASE_TTL_SECONDS: '3',
        CAPTURE_STAGGER_MS: '0',
        CLIP_RETENTION_INTERVAL_SECONDS: '3600',
        CAMERA_OFFLINE_SECONDS: '30',
      }),
      { serve: false },
    );
    // seeded from NUM_STREAMS=1
    expect((await registry.list()).map((e) => e.id)).toEqual(['cam1']);
    await waitFor(() => capture!.cameras().includes('cam1'), { timeoutMs: 10_000, what: 'cam1 recorded' });

    await registry.put('yard', { url: sim!.urlFor(2) });
    await waitFor(() => capture!.cameras().includes('yard'), { timeoutMs: 10_000, what: 'the added camera recorded' });
    await waitFor(async () => (await clipsOf('yard')).length > 0, {
      timeoutMs: 20_000,
      what: 'a clip of the added camera',
    });

    await registry.patch('yard', { enabled: false });
    await waitFor(() => !capture!.cameras().includes('yard'), {
      timeoutMs: 10_000,
      what: 'the disabled camera stopped',
    });
    // released for nobody, once its recorder has finalised its last clip (the stop comes first)
    await waitFor(async () => (await redis.get(redisKeys(prefix).cameraLease('yard'))) === null, {
      timeoutMs: 10_000,
      what: "the disabled camera's lease released",
    });
    expect(capture.cameras()).toEqual(['cam1']);

    // cam1 re-pointed at stream 2: its recorder restarts on the new URL (the lease is kept)
    expect(recordingUrls('cam1')).toEqual([sim!.urlFor(1)]);
    await registry.patch('cam1', { url: sim!.urlFor(2) });
    await waitFor(() => recordingUrls('cam1').join() === sim!.urlFor(2), {
      timeoutMs: 15_000,
      what: () => `cam1's recorder on the new URL (now ${recordingUrls('cam1').join() || 'none'})`,
    });
    const before = (await clipsOf('cam1')).length;
    await waitFor(async () => (await clipsOf('cam1')).length > before, {
      timeoutMs: 20_000,
      what: 'cam1 recording again after the URL change',
    });

    expect(await registry.remove('cam1')).toBe(true);
    await waitFor(() => capture!.cameras().length === 0, { timeoutMs: 10_000, what: 'the deleted camera stopped' });
  });
});
