/**
 * A stalled camera's recorder is SIGKILLed and its open segment never gets a `moov` (issue #26.5,
 * camera-compat.md case 6): real ffmpeg records H.264 and HEVC segments and is killed mid-segment,
 * then closeRun rebuilds that segment from the run's last placed clip (adapters/segment-salvage.ts)
 * and places it right after it. A segment that cannot be rebuilt is still quarantined as `partial`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClipRecorded } from '../../shared/src/events';
import { createLogger } from '../../shared/src/logger';
import { createRegistry } from '../../shared/src/metrics';
import { ClipPlacer } from '../src/adapters/recorder/clip-placer';
import { openSegmentSalvager } from '../src/adapters/recorder/open-segment';
import { closeRun, LIST_FILE } from '../src/adapters/recorder/staging-run';
import { createCaptureMetrics } from '../src/adapters/metrics';
import { QUARANTINE_DIR } from '../src/adapters/quarantine';
import { readListed } from '../src/adapters/model-segments';
import { mdatPayloadOffset } from '../src/core/annexb';
import { waitFor } from '../../../test/support';
import { probeStreams, decodedFrames } from '../../../test/support/media';

const FPS = 10;
const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

const ENCODERS = {
  h264: ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(FPS)],
  hevc: ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', `keyint=${FPS}:log-level=error`, '-tag:v', 'hvc1'],
};

/**
 * Records 1 s segments in real time, flushing every packet as the recorder does (core/recorder-args.ts), and
 * SIGKILLs ffmpeg once the second segment has a few frames on disk.
 */
async function killedRun(runDir: string, codec: keyof typeof ENCODERS): Promise<void> {
  fs.mkdirSync(runDir, { recursive: true });
  const ff = spawn(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi']
      .concat(['-i', `testsrc2=size=320x240:rate=${FPS}`, ...ENCODERS[codec], '-b:v', '1M'])
      .concat(['-f', 'segment', '-segment_time', '1', '-segment_format', 'mp4', '-reset_timestamps', '1'])
      .concat(['-segment_format_options', 'flush_packets=1'])
      .concat([
        '-segment_list',
        path.join(runDir, LIST_FILE),
        '-segment_list_type',
        'csv',
        path.join(runDir, 'seg-%06d.mp4'),
      ]),
    { stdio: 'ignore' },
  );
  const exited = new Promise((resolve) => ff.once('exit', resolve));
  try {
    // a keyframe and a few frames after it (ftyp + free + the mdat header are 48 bytes)
    await waitFor(
      () => (fs.statSync(path.join(runDir, 'seg-000001.mp4'), { throwIfNoEntry: false })?.size ?? 0) > 30_000,
      {
        timeoutMs: 30_000,
        what: () => `samples of the second segment on disk (have ${fs.readdirSync(runDir).join(', ')})`,
      },
    );
  } finally {
    ff.kill('SIGKILL');
    await exited;
  }
}

function rig(clipsDir: string) {
  const taken: ClipRecorded[] = [];
  const ctx = {
    cameraId: 'cam1',
    clipsDir,
    logger: createLogger('open-segment-test', 'silent'),
    metrics: createCaptureMetrics(createRegistry('open-segment-test', false)),
    onClip: async (data: ClipRecorded) => void taken.push(data),
    ffmpegPath: 'ffmpeg',
  };
  return { taken, ctx, placer: new ClipPlacer(ctx) };
}

/** Files quarantined for cam1 (adapters/quarantine.ts: `.quarantine/<camera>/`). */
const quarantined = (clipsDir: string) => {
  const dir = path.join(clipsDir, QUARANTINE_DIR, 'cam1');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
};

// The cases run concurrently (issue #22): each waits on its own real-time ffmpeg (~1.3 s per killed run) in its
// own temporary folder, with its own placer and metrics; nothing is shared between them but `roots`.
test.concurrent.each(['h264', 'hevc'] as const)(
  '%s: the killed run’s open segment becomes the clip after its last one, playable to its last whole NAL',
  async (codec) => {
    const clipsDir = fs.mkdtempSync(path.join(os.tmpdir(), `open-segment-${codec}-`));
    roots.push(clipsDir);
    const runDir = path.join(clipsDir, '.staging', 'cam1', 'run-1');
    await killedRun(runDir, codec);
    const [first] = await readListed(path.join(runDir, LIST_FILE));
    expect(first?.file).toBe('seg-000000.mp4');
    const { taken, ctx, placer } = rig(clipsDir);
    const listedAt = Date.parse('2026-12-07T05:00:02.000Z');
    expect(await placer.finish(runDir, { ...first!, listedAt }, undefined, true)).toBe(true);

    await closeRun(ctx, runDir, 0, openSegmentSalvager(ctx, placer, runDir));

    expect(taken).toHaveLength(2);
    const rebuilt = taken[1]!;
    // right after the last listed clip, for as long as the rebuilt stream lasts
    expect(rebuilt.startedAt).toBe(new Date(listedAt).toISOString());
    expect(rebuilt.durationMs).toBeGreaterThan(0);
    const file = path.join(clipsDir, rebuilt.path);
    const [video] = await probeStreams(file, 'codec_name,codec_tag_string,duration');
    expect(video).toMatchObject({ codec_name: codec, codec_tag_string: codec === 'hevc' ? 'hvc1' : 'avc1' });
    const frames = await decodedFrames(file);
    expect(frames).toBeGreaterThan(0);
    // timed at the reference's frame rate: one frame per 1/FPS s
    expect(Math.abs(frames / FPS - (rebuilt.durationMs ?? 0) / 1000)).toBeLessThanOrEqual(1 / FPS + 0.01);
    expect(quarantined(clipsDir)).toEqual([]);
    expect(fs.existsSync(runDir)).toBe(false);
  },
  60_000,
);

test.concurrent(
  'an open segment that cannot be rebuilt (garbage after the mdat, or no placed clip to copy from) is quarantined as partial',
  async () => {
    const clipsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'open-segment-bad-'));
    roots.push(clipsDir);
    const runDir = path.join(clipsDir, '.staging', 'cam1', 'run-1');
    // both killed runs recorded at once (each waits on real time); run-2 is closed only after run-1's clip is placed
    const other = path.join(clipsDir, '.staging', 'cam1', 'run-2');
    // (settled both before a failure is thrown: neither ffmpeg outlives the test)
    for (const r of await Promise.allSettled([killedRun(runDir, 'h264'), killedRun(other, 'h264')]))
      if (r.status === 'rejected') throw r.reason;
    const [first] = await readListed(path.join(runDir, LIST_FILE));
    // the second segment's samples overwritten with noise: no NAL length in it holds
    const open = path.join(runDir, 'seg-000001.mp4');
    const bytes = fs.readFileSync(open);
    bytes.fill(0xff, mdatPayloadOffset(bytes));
    fs.writeFileSync(open, bytes);
    const { taken, ctx, placer } = rig(clipsDir);
    await placer.finish(runDir, { ...first!, listedAt: Date.now() }, undefined, true);
    await closeRun(ctx, runDir, 0, openSegmentSalvager(ctx, placer, runDir));
    expect(taken).toHaveLength(1);
    expect(quarantined(clipsDir).filter((f) => f.endsWith('.reason.json'))).toHaveLength(1);

    // a run that placed nothing has no codec configuration to rebuild from
    await closeRun(ctx, other, 0, openSegmentSalvager(ctx, placer, other));
    expect(taken).toHaveLength(1);
    // its open segment, and its listed one that nothing placed here, both as partial
    const reasons = quarantined(clipsDir).filter((f) => f.endsWith('.reason.json'));
    expect(reasons).toHaveLength(3);
    for (const r of reasons)
      expect(JSON.parse(fs.readFileSync(path.join(clipsDir, QUARANTINE_DIR, 'cam1', r), 'utf8'))).toMatchObject({
        code: 'partial',
      });
  },
  60_000,
);
