import { createLogger } from '../../../functions/shared/src/logger';
import { within } from '../../../functions/shared/src/async';
import { startControlServer } from './adapters/control-http';
import { freePort, randomRtpBlock } from './adapters/ports';
import type { RenderedScene } from './adapters/render';
import { SupervisedRtspServer } from './adapters/supervised-server';
import { renderScenes, SimCameras } from './app/sim-cameras';
import type { RtspSimHandle, RtspSimOptions } from './app/sim-types';
import { assignScenes, templatePort } from './core/camera-map';
import { SCENES } from './core/scenes';

export type { RtspSimHandle, RtspSimOptions } from './app/sim-types';

const pick = async (p: number | undefined, fallback: number) => ((p ?? fallback) === 0 ? freePort() : (p ?? fallback));
/** The last line of stop(): each step has its own SIGKILL fallback, this bounds them all. */
const STOP_BOUND_MS = 15_000;

/**
 * Starts the simulator (wiring only): renders (or reuses) the scenes the cameras need, starts the
 * RTSP server (adapters/supervised-server.ts) and one looping ffmpeg publisher per camera,
 * staggered (app/sim-cameras.ts), and the HTTP fault switch.
 */
export async function startRtspSim(options: RtspSimOptions = {}): Promise<RtspSimHandle> {
  const log = options.logger ?? createLogger('rtsp-sim', 'silent');
  const numStreams = options.numStreams ?? 10;
  const template = options.urlTemplate ?? 'rtsp://127.0.0.1:8554/cam{N}';
  const assignment = assignScenes(numStreams, options.scenes ?? SCENES, options.mapping);
  const renders = await renderScenes(assignment, options);
  const clientPort = await pick(options.clientPort, templatePort(template));
  const publishPort = await pick(options.publishPort, 5554);
  const rtpCount = options.rtpPortCount ?? (options.rtpPortStart === 0 ? 2 * numStreams + 40 : 1998);
  const rtpStart = options.rtpPortStart === 0 ? randomRtpBlock(rtpCount) : (options.rtpPortStart ?? 3000);
  const ports = { client: clientPort, publish: publishPort, template };
  const cameras = new SimCameras(options, assignment, ports, renders, log);

  const serverPorts = { serverPort: publishPort, clientPort, rtpPortStart: rtpStart, rtpPortCount: rtpCount };
  const server = new SupervisedRtspServer(serverPorts, log);
  let control: { port: number; close(): Promise<void> } | undefined;
  let stopping: Promise<void> | undefined;
  const allPids = () => [server.pid, ...cameras.pids()].filter((p): p is number => p !== undefined);
  const stop = () =>
    (stopping ??= (async () => {
      const orderly = (async () => {
        await control?.close();
        await cameras.stop();
        await server.stop();
      })();
      // seen rarely on a loaded 2-core box: say so and kill what is left, so a stop never hangs a caller
      if (
        !(await within(
          orderly.then(() => true as const),
          STOP_BOUND_MS,
          false,
        ))
      ) {
        const left = allPids();
        log.error({ pids: left, boundMs: STOP_BOUND_MS }, 'rtsp-sim stop did not finish in time; killing what is left');
        for (const pid of left) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      log.info('rtsp-sim stopped');
    })());

  try {
    await server.start();
    log.info({ clientPort, publishPort, rtpStart, rtpCount, pid: server.pid }, 'rtsp server listening');
    await cameras.startAll();
    if (options.controlPort !== null)
      control = await startControlServer(
        {
          list: () => cameras.status(),
          drop: async (n) => (await cameras.drop(n), cameras.statusOf(n)),
          restore: async (n) => (await cameras.restore(n), cameras.statusOf(n)),
          add: (o) => cameras.add(o),
          remove: (n) => cameras.remove(n),
        },
        await pick(options.controlPort ?? undefined, 8555),
      );
  } catch (err) {
    await stop();
    throw err;
  }

  const names: Record<number, string> = {};
  const rendered: Record<number, RenderedScene> = {};
  for (const [n, scene] of assignment) {
    names[n] = scene.name;
    rendered[n] = cameras.rendered(scene);
  }
  return {
    urlFor: (n) => cameras.urlFor(n),
    cameras: names,
    rendered,
    drop: (n) => cameras.drop(n),
    restore: (n) => cameras.restore(n),
    add: (o) => cameras.add(o),
    remove: (n) => cameras.remove(n),
    status: () => cameras.status(),
    stop,
    controlUrl: control ? `http://127.0.0.1:${control.port}` : null,
    ports: { client: clientPort, publish: publishPort, control: control?.port ?? null, rtpStart, rtpCount },
    pids: allPids,
  };
}
