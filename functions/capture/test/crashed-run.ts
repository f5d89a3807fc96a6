import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCapture, type CaptureHandle } from '../src/app/start-capture';
import { testConfig } from './helpers';
import { freePort } from '../../../test/support';

/**
 * A clips folder with cam1's staging run `runName` left behind by a recorder that died, for the
 * recovery tests: `tiny` is a valid one-second clip to write into it, `t` a time 10 min ago (s).
 */
export async function crashedRun(tmpName: string, runName: string) {
  const clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), tmpName));
  const tiny = await fs.readFile(path.join(__dirname, 'fixtures', 'tiny.mp4'));
  const t = Math.floor(Date.now() / 1000) - 600;
  const run = path.join(clipsDir, '.staging', 'cam1', runName);
  await fs.mkdir(run, { recursive: true });
  await fs.mkdir(path.join(clipsDir, 'cam1'), { recursive: true });
  return { clipsDir, tiny, t, run };
}

/** A capture of cam1 whose camera is a closed port: nothing live records, only recovery runs. */
export async function startRecoveringCapture(clipsDir: string, prefix: string): Promise<CaptureHandle> {
  const config = testConfig({
    CLIPS_DIR: clipsDir,
    REDIS_PREFIX: prefix,
    CAMERA_INDEX: '0',
    NUM_STREAMS: '1',
    RTSP_URL_TEMPLATE: `rtsp://127.0.0.1:${await freePort()}/cam{N}`,
    CLIP_RETENTION_INTERVAL_SECONDS: '3600',
    CAPTURE_RESPAWN_MAX_SECONDS: '5',
  });
  return startCapture(config, { serve: false });
}
