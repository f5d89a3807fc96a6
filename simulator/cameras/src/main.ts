/**
 * `npm run start:rtsp-sim`: renders the scenes (cached), publishes NUM_STREAMS cameras and the
 * HTTP fault switch, and stops every child on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { loadConfigOrExit } from '../../../functions/shared/src/config/load';
import { createLogger } from '../../../functions/shared/src/logger';
import { assignScenes, renderAllScenes, SCENES, startRtspSim, type RtspSimHandle } from './index';

function readMapping(file: string | undefined): Record<string, string> | undefined {
  if (!file) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) {
      throw new Error('expected a JSON object of camera → scene name');
    }
    return parsed as Record<string, string>;
  } catch (err) {
    throw new Error(`SCENE_MAP_FILE=${file}: ${(err as Error).message}`);
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  const log = createLogger('rtsp-sim', config.common.logLevel);
  const { rtspSim: c, common } = config;
  let rendering: Promise<unknown> | undefined;
  let starting: Promise<RtspSimHandle> | undefined;
  let stopping = false;
  const abort = new AbortController();
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    // Even mid-render or mid-start: kill the render, wait for the handle, stop every child it started.
    abort.abort();
    void Promise.allSettled([rendering])
      .then(() => starting)
      .then((sim) => sim?.stop(), () => undefined)
      .then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const mapping = readMapping(c.sceneMapFile);
  assignScenes(common.numStreams, SCENES, mapping); // fail fast on a bad mapping, before rendering

  // Render (or find in the cache) every scene up front, so a mapping can name any of them.
  const renderOpts = { width: c.sceneSize.width, height: c.sceneSize.height, fps: c.sceneFps, cacheDir: c.scenesDir };
  log.info({ dir: c.scenesDir, ...renderOpts }, 'preparing scenes');
  rendering = renderAllScenes({
    ...renderOpts,
    signal: abort.signal,
    onProgress: (done, total, r) =>
      log.info({ scene: r.scene.name, rendered: r.rendered, ms: r.elapsedMs, file: r.videoPath }, `scene ${done}/${total} ${r.rendered ? 'rendered' : 'cached'}`),
  });
  try {
    await rendering;
  } catch (err) {
    if (stopping) return;
    throw err;
  }
  if (stopping) return;
  starting = startRtspSim({
    numStreams: common.numStreams,
    urlTemplate: common.rtspUrlTemplate,
    publishPort: c.publishPort,
    controlPort: c.controlPort,
    rtpPortStart: c.rtpPortStart,
    rtpPortCount: c.rtpPortCount,
    width: c.sceneSize.width,
    height: c.sceneSize.height,
    fps: c.sceneFps,
    cacheDir: c.scenesDir,
    mapping,
    staggerMs: c.staggerMs,
    logger: log,
  });
  const sim = await starting;
  if (stopping) return;
  for (const [n, scene] of Object.entries(sim.cameras)) log.info({ camera: Number(n), scene, url: sim.urlFor(Number(n)) }, 'camera');
  process.stdout.write(
    `rtsp-sim (simulator) ready: ${Object.keys(sim.cameras).length} cameras\n` +
      Object.entries(sim.cameras).map(([n, scene]) => `  ${sim.urlFor(Number(n))}  ${scene}\n`).join('') +
      `fault switch: ${sim.controlUrl}/cameras  (POST /cameras/N/drop | /cameras/N/restore; POST /cameras adds one, DELETE /cameras/N removes it)\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`rtsp-sim failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
