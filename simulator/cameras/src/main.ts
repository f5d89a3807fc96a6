/**
 * `npm run start:rtsp-sim`: renders the scenes (cached), publishes NUM_STREAMS cameras and the
 * HTTP fault switch, and stops every child on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { loadConfigOrExit } from '../../../functions/shared/src/config/load';
import { runMain, type MainContext } from '../../../functions/shared/src/lifecycle';
import { createLogger } from '../../../functions/shared/src/logger';
import { assignScenes, renderAllScenes, SCENES, startRtspSim, type RtspSimHandle } from './index';

function readMapping(file: string | undefined): Record<string, string> | undefined {
  if (!file) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      Array.isArray(parsed) ||
      !Object.values(parsed).every((v) => typeof v === 'string')
    ) {
      throw new Error('expected a JSON object of camera → scene name');
    }
    return parsed as Record<string, string>;
  } catch (err) {
    throw new Error(`SCENE_MAP_FILE=${file}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * A signal mid-render aborts the render (ctx.signal) and start returns nothing to stop; a signal
 * mid-start lets the start finish, and then the lifecycle stops every child it started.
 */
const config = loadConfigOrExit(process.env);
const log = createLogger('rtsp-sim', config.common.logLevel);
for (const warning of config.warnings) log.warn(warning); // deprecated names/spellings (docs/architecture.md §3.2)

async function main(ctx: MainContext): Promise<RtspSimHandle | undefined> {
  const { rtspSim: c, common } = config;

  const mapping = readMapping(c.sceneMapFile);
  assignScenes(common.numStreams, SCENES, mapping); // fail fast on a bad mapping, before rendering

  // Render (or find in the cache) every scene up front, so a mapping can name any of them.
  const renderOpts = { width: c.sceneSize.width, height: c.sceneSize.height, fps: c.sceneFps, cacheDir: c.scenesDir };
  log.info({ dir: c.scenesDir, ...renderOpts }, 'preparing scenes');
  const rendering = renderAllScenes({
    ...renderOpts,
    signal: ctx.signal,
    onProgress: (done, total, r) =>
      log.info(
        { scene: r.scene.name, rendered: r.rendered, ms: r.elapsedMs, file: r.videoPath },
        `scene ${done}/${total} ${r.rendered ? 'rendered' : 'cached'}`,
      ),
  });
  try {
    await rendering;
  } catch (err) {
    if (ctx.signal.aborted) return undefined;
    throw err;
  }
  if (ctx.signal.aborted) return undefined;
  const sim = await startRtspSim({
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
  if (ctx.signal.aborted) return sim;
  for (const [n, scene] of Object.entries(sim.cameras))
    log.info({ camera: Number(n), scene, url: sim.urlFor(Number(n)) }, 'camera');
  process.stdout.write(
    `rtsp-sim (simulator) ready: ${Object.keys(sim.cameras).length} cameras\n` +
      Object.entries(sim.cameras)
        .map(([n, scene]) => `  ${sim.urlFor(Number(n))}  ${scene}\n`)
        .join('') +
      `fault switch: ${sim.controlUrl}/cameras  (POST /cameras/N/drop | /cameras/N/restore; POST /cameras adds one, DELETE /cameras/N removes it)\n`,
  );
  return sim;
}

runMain('rtsp-sim', main, { log: (msg) => log.info(msg) });
