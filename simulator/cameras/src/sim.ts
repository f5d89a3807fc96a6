import { createLogger, type Logger } from '../../../functions/shared/src/logger';
import { Publisher } from './adapters/publisher';
import { freePort, randomRtpBlock } from './adapters/ports';
import { renderScene, type RenderedScene } from './adapters/render';
import { startControlServer, type CameraStatus } from './adapters/control-http';
import { describeStatus, waitFor } from './adapters/rtsp-probe';
import { startRtspServer, type RtspServerProcess } from './adapters/rtsp-server';
import { assignScenes, cameraPath, cameraUrl, templatePort } from './core/camera-map';
import type { SceneDefinition } from './core/scene-model';
import { SCENES } from './core/scenes';
import { sleep, within } from '../../../functions/shared/src/async';

export interface RtspSimOptions {
  /** cameras cam1…camN (default 10) */
  readonly numStreams?: number;
  /** reader URL template with `{N}` (default `rtsp://127.0.0.1:8554/cam{N}`); its port is the client port unless `clientPort` is given */
  readonly urlTemplate?: string;
  /** reader port; 0 = a free port */
  readonly clientPort?: number;
  /** publisher port (default 5554); 0 = a free port */
  readonly publishPort?: number;
  /** HTTP fault switch port (default 8555); 0 = a free port; null = no HTTP server */
  readonly controlPort?: number | null;
  /** RTP/RTCP UDP pool start (default 3000, see docs/architecture.md §5); 0 = a random block in 3000–4998 */
  readonly rtpPortStart?: number;
  /** RTP/RTCP pool size (default 1998; with rtpPortStart 0: 2 per camera + 40 for readers, small so random blocks rarely meet) */
  readonly rtpPortCount?: number;
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  /** render cache (default `.safety-hanta/scenes`) */
  readonly cacheDir?: string;
  /** camera → scene name, keys `"N"` or `"camN"` */
  readonly mapping?: Readonly<Record<string, string>> | undefined;
  /** scene library (default SCENES) */
  readonly scenes?: readonly SceneDefinition[];
  /** delay between publisher starts, ms (default 300) */
  readonly staggerMs?: number;
  /** wait until every camera answers DESCRIBE 200 (default true) */
  readonly waitReady?: boolean;
  readonly readyTimeoutMs?: number;
  readonly ffmpegPath?: string;
  readonly logger?: Logger;
  /** progress of the scene renders */
  readonly onRender?: (r: RenderedScene) => void;
}

export interface RtspSimHandle {
  /** reader URL of camera n (1-based) */
  urlFor(n: number): string;
  /** camera number → scene name */
  readonly cameras: Readonly<Record<number, string>>;
  /** camera number → rendered clip + ground truth */
  readonly rendered: Readonly<Record<number, RenderedScene>>;
  /** kill camera n's publisher; its RTSP path disappears. Resolves once readers get 404. */
  drop(n: number): Promise<void>;
  /** restart camera n's publisher. Resolves once the path is readable again. */
  restore(n: number): Promise<void>;
  /**
   * Adds a camera while running: the next number (or `n`), its scene by name or as camera n
   * would get at start (rendered if not cached yet). Resolves once readers can DESCRIBE it.
   */
  add(o?: { n?: number; scene?: string }): Promise<CameraStatus>;
  /** Removes camera n for good (its publisher stops, its path goes 404); drop() is the reversible fault. */
  remove(n: number): Promise<void>;
  /** state of every camera */
  status(): CameraStatus[];
  /** `http://127.0.0.1:<port>` of the fault switch, or null when disabled */
  readonly controlUrl: string | null;
  readonly ports: {
    readonly client: number;
    readonly publish: number;
    readonly control: number | null;
    readonly rtpStart: number;
    readonly rtpCount: number;
  };
  /** pids of every child process (server + running publishers) */
  pids(): number[];
  /** stops everything (idempotent); no child process is left */
  stop(): Promise<void>;
}

const pick = async (p: number | undefined, fallback: number) => ((p ?? fallback) === 0 ? freePort() : (p ?? fallback));

/**
 * Starts the simulator: renders (or reuses) the scenes the cameras need, starts the RTSP server
 * and one looping ffmpeg publisher per camera (staggered), and the HTTP fault switch.
 */
export async function startRtspSim(options: RtspSimOptions = {}): Promise<RtspSimHandle> {
  const log = options.logger ?? createLogger('rtsp-sim', 'silent');
  const numStreams = options.numStreams ?? 10;
  const template = options.urlTemplate ?? 'rtsp://127.0.0.1:8554/cam{N}';
  const assignment = assignScenes(numStreams, options.scenes ?? SCENES, options.mapping);

  const renders = new Map<string, RenderedScene>();
  for (const scene of new Set(assignment.values())) {
    const r = await renderScene(scene, {
      cacheDir: options.cacheDir,
      width: options.width,
      height: options.height,
      fps: options.fps,
      ffmpegPath: options.ffmpegPath,
    });
    renders.set(scene.name, r);
    options.onRender?.(r);
  }

  const clientPort = await pick(options.clientPort, templatePort(template));
  const publishPort = await pick(options.publishPort, 5554);
  const rtpCount = options.rtpPortCount ?? (options.rtpPortStart === 0 ? 2 * numStreams + 40 : 1998);
  const rtpStart = options.rtpPortStart === 0 ? randomRtpBlock(rtpCount) : (options.rtpPortStart ?? 3000);

  let server: RtspServerProcess | undefined;
  const publishers = new Map<number, Publisher>();
  let control: { port: number; close(): Promise<void> } | undefined;
  let stopping: Promise<void> | undefined;

  const allPids = () =>
    [server?.pid, ...[...publishers.values()].map((p) => p.pid)].filter((p): p is number => p !== undefined);
  const STOP_BOUND_MS = 15_000;
  const stop = () =>
    (stopping ??= (async () => {
      const orderly = (async () => {
        await control?.close();
        await Promise.all([...publishers.values()].map((p) => p.stop()));
        await server?.stop();
      })();
      // Each step has its own SIGKILL fallback; this bound is the last line, so a stop never
      // hangs a caller (seen rarely on a loaded 2-core box): say so and kill what is left.
      const finished = await within(
        orderly.then(() => true as const),
        STOP_BOUND_MS,
        false,
      );
      if (!finished) {
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

  const urlFor = (n: number) => cameraUrl(template, n, clientPort);
  const publishUrlFor = (n: number) => `rtsp://127.0.0.1:${publishPort}${cameraPath(template, n)}`;
  const readable = async (n: number) => (await describeStatus(urlFor(n))) === 200;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30000;
  const requireCamera = (n: number) => {
    const p = publishers.get(n);
    if (!p) throw new Error(`no camera ${n} (cameras: ${[...publishers.keys()].join(', ') || 'none'})`);
    return p;
  };

  try {
    const serverPorts = { serverPort: publishPort, clientPort, rtpPortStart: rtpStart, rtpPortCount: rtpCount };
    // The single-threaded npm server can die (e.g. under a CPU spike, docs/architecture.md §5); a camera
    // network does not vanish for good, so restart it on the same ports. Publishers notice
    // the lost connection and restart themselves; readers (capture) reconnect.
    const supervise = (s: RtspServerProcess) => {
      s.child.once('exit', (code, signal) => {
        if (stopping) return;
        log.error({ code, signal, stderr: s.stderrTail().trim() }, 'rtsp server died; restarting it on the same ports');
        void (async () => {
          for (let attempt = 0; !stopping; attempt++) {
            try {
              server = await startRtspServer(serverPorts);
              if (stopping) return void (await server.stop()); // stop() came while it restarted
              supervise(server);
              log.info({ pid: server.pid, attempt }, 'rtsp server restarted');
              return;
            } catch (err) {
              log.error({ err: (err as Error).message, attempt }, 'rtsp server restart failed; retrying');
              await sleep(Math.min(500 * 2 ** attempt, 10_000));
            }
          }
        })();
      });
    };
    server = await startRtspServer(serverPorts);
    supervise(server);
    log.info({ clientPort, publishPort, rtpStart, rtpCount, pid: server.pid }, 'rtsp server listening');
    for (const [n, scene] of assignment) {
      const video = renders.get(scene.name)!.videoPath;
      const p = new Publisher(video, publishUrlFor(n), options.ffmpegPath, {
        onUnexpectedExit: (code, signal, stderr) =>
          log.warn({ camera: n, code, signal, stderr: stderr.trim() }, 'publisher exited; restarting'),
      });
      publishers.set(n, p);
      p.start();
      if (n < numStreams) await sleep(options.staggerMs ?? 300);
    }
    if (options.waitReady ?? true) {
      for (const n of publishers.keys()) await waitFor(() => readable(n), readyTimeoutMs, `camera ${n} to be readable`);
    }
  } catch (err) {
    await stop();
    throw err;
  }

  const status = (): CameraStatus[] =>
    [...publishers].map(([n, p]) => {
      const scene = assignment.get(n)!;
      return {
        camera: n,
        id: `cam${n}`,
        scene: scene.name,
        hazard: scene.hazard,
        state: p.state,
        pid: p.pid ?? null,
        restarts: p.restarts,
        url: urlFor(n),
      };
    });
  const drop = async (n: number) => {
    await requireCamera(n).stop();
    log.info({ camera: n }, 'camera dropped');
    await waitFor(async () => (await describeStatus(urlFor(n))) !== 200, readyTimeoutMs, `camera ${n} to disappear`);
  };
  const restore = async (n: number) => {
    requireCamera(n).start();
    log.info({ camera: n }, 'camera restored');
    await waitFor(() => readable(n), readyTimeoutMs, `camera ${n} to be readable again`);
  };
  const statusOf = (n: number) => status().find((c) => c.camera === n)!;
  const library = options.scenes ?? SCENES;
  // cameras added at run time draw from the RTP pool too: 2 ports per publisher (docs/architecture.md §5)
  const add = async (o: { n?: number; scene?: string } = {}): Promise<CameraStatus> => {
    if (stopping) throw new Error('rtsp-sim is stopping');
    const n = o.n ?? Math.max(0, ...publishers.keys()) + 1;
    if (!Number.isInteger(n) || n < 1) throw new Error(`camera number must be an integer ≥ 1, got ${n}`);
    if (publishers.has(n)) throw new Error(`camera ${n} exists already`);
    const scene =
      o.scene !== undefined
        ? (library.find((s) => s.name === o.scene) ??
          (() => {
            throw new Error(`no scene ${o.scene} (scenes: ${library.map((s) => s.name).join(', ')})`);
          })())
        : assignScenes(n, library, options.mapping).get(n)!;
    if (!renders.has(scene.name)) {
      renders.set(
        scene.name,
        await renderScene(scene, {
          cacheDir: options.cacheDir,
          width: options.width,
          height: options.height,
          fps: options.fps,
          ffmpegPath: options.ffmpegPath,
        }),
      );
    }
    assignment.set(n, scene);
    const p = new Publisher(renders.get(scene.name)!.videoPath, publishUrlFor(n), options.ffmpegPath, {
      onUnexpectedExit: (code, signal, stderr) =>
        log.warn({ camera: n, code, signal, stderr: stderr.trim() }, 'publisher exited; restarting'),
    });
    publishers.set(n, p);
    p.start();
    log.info({ camera: n, scene: scene.name }, 'camera added');
    await waitFor(() => readable(n), readyTimeoutMs, `camera ${n} to be readable`);
    return statusOf(n);
  };
  const remove = async (n: number): Promise<void> => {
    const p = requireCamera(n);
    publishers.delete(n);
    assignment.delete(n);
    await p.stop();
    log.info({ camera: n }, 'camera removed');
    await waitFor(async () => (await describeStatus(urlFor(n))) !== 200, readyTimeoutMs, `camera ${n} to disappear`);
  };

  if (options.controlPort !== null) {
    try {
      control = await startControlServer(
        {
          list: status,
          drop: async (n) => (await drop(n), statusOf(n)),
          restore: async (n) => (await restore(n), statusOf(n)),
          add,
          remove,
        },
        await pick(options.controlPort ?? undefined, 8555),
      );
    } catch (err) {
      await stop();
      throw err;
    }
  }

  const cameras: Record<number, string> = {};
  const rendered: Record<number, RenderedScene> = {};
  for (const [n, scene] of assignment) {
    cameras[n] = scene.name;
    rendered[n] = renders.get(scene.name)!;
  }
  return {
    urlFor,
    cameras,
    rendered,
    drop,
    restore,
    add,
    remove,
    status,
    stop,
    controlUrl: control ? `http://127.0.0.1:${control.port}` : null,
    ports: { client: clientPort, publish: publishPort, control: control?.port ?? null, rtpStart, rtpCount },
    pids: allPids,
  };
}
