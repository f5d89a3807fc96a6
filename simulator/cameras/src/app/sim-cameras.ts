import type { Logger } from '../../../../functions/shared/src/logger';
import { sleep } from '../../../../functions/shared/src/async';
import type { CameraStatus } from '../adapters/control-http';
import { Publisher } from '../adapters/publisher';
import { renderScene, type RenderedScene } from '../adapters/render';
import { describeStatus, waitFor } from '../adapters/rtsp-probe';
import { assignScenes, cameraPath, cameraUrl } from '../core/camera-map';
import type { SceneDefinition } from '../core/scene-model';
import { SCENES } from '../core/scenes';
import type { RtspSimOptions } from './sim-types';

function renderOne(scene: SceneDefinition, o: RtspSimOptions): Promise<RenderedScene> {
  return renderScene(scene, {
    cacheDir: o.cacheDir,
    width: o.width,
    height: o.height,
    fps: o.fps,
    ffmpegPath: o.ffmpegPath,
  });
}

/** Renders (or finds in the cache) every scene the cameras need, once each. */
export async function renderScenes(
  assignment: ReadonlyMap<number, SceneDefinition>,
  options: RtspSimOptions,
): Promise<Map<string, RenderedScene>> {
  const renders = new Map<string, RenderedScene>();
  for (const scene of new Set(assignment.values())) {
    const r = await renderOne(scene, options);
    renders.set(scene.name, r);
    options.onRender?.(r);
  }
  return renders;
}

/**
 * The simulated cameras: one looping ffmpeg publisher per camera, each showing its scene
 * (rendered once, cached), and the fault switch's operations on them (drop, restore, add, remove).
 */
export class SimCameras {
  private readonly publishers = new Map<number, Publisher>();
  private readonly library: readonly SceneDefinition[];
  private readonly readyTimeoutMs: number;
  private stopping = false;

  constructor(
    private readonly options: RtspSimOptions,
    /** camera number → its scene (changed by add/remove) */
    readonly assignment: Map<number, SceneDefinition>,
    private readonly ports: { client: number; publish: number; template: string },
    /** scene name → rendered clip, from renderScenes (cameras added later render more) */
    private readonly renders: Map<string, RenderedScene>,
    private readonly log: Logger,
  ) {
    this.library = options.scenes ?? SCENES;
    this.readyTimeoutMs = options.readyTimeoutMs ?? 30000;
  }

  urlFor(n: number): string {
    return cameraUrl(this.ports.template, n, this.ports.client);
  }

  private async readable(n: number): Promise<boolean> {
    return (await describeStatus(this.urlFor(n))) === 200;
  }

  rendered(scene: SceneDefinition): RenderedScene {
    const r = this.renders.get(scene.name);
    if (!r) throw new Error(`scene ${scene.name} was not rendered`);
    return r;
  }

  private async render(scene: SceneDefinition): Promise<void> {
    if (!this.renders.has(scene.name)) this.renders.set(scene.name, await renderOne(scene, this.options));
  }

  /** Starts camera n's publisher (ffmpeg restarts it when it exits unexpectedly). */
  private startPublisher(n: number, scene: SceneDefinition): void {
    const url = `rtsp://127.0.0.1:${this.ports.publish}${cameraPath(this.ports.template, n)}`;
    const p = new Publisher(this.rendered(scene).videoPath, url, this.options.ffmpegPath, {
      onUnexpectedExit: (code, signal, stderr) =>
        this.log.warn({ camera: n, code, signal, stderr: stderr.trim() }, 'publisher exited; restarting'),
    });
    this.publishers.set(n, p);
    p.start();
  }

  /** Starts every assigned camera, staggered; with `waitReady`, until each answers DESCRIBE 200. */
  async startAll(): Promise<void> {
    const count = this.assignment.size;
    for (const [n, scene] of this.assignment) {
      this.startPublisher(n, scene);
      if (n < count) await sleep(this.options.staggerMs ?? 300);
    }
    if (this.options.waitReady ?? true)
      for (const n of this.publishers.keys())
        await waitFor(() => this.readable(n), this.readyTimeoutMs, `camera ${n} to be readable`);
  }

  private require(n: number): Publisher {
    const p = this.publishers.get(n);
    if (!p) throw new Error(`no camera ${n} (cameras: ${[...this.publishers.keys()].join(', ') || 'none'})`);
    return p;
  }

  status(): CameraStatus[] {
    return [...this.publishers].map(([n, p]) => {
      const scene = this.assignment.get(n);
      return {
        camera: n,
        id: `cam${n}`,
        scene: scene?.name ?? '',
        hazard: scene?.hazard ?? null,
        state: p.state,
        pid: p.pid ?? null,
        restarts: p.restarts,
        url: this.urlFor(n),
      };
    });
  }

  statusOf(n: number): CameraStatus {
    const s = this.status().find((c) => c.camera === n);
    if (!s) throw new Error(`no camera ${n}`);
    return s;
  }

  private async gone(n: number): Promise<void> {
    const notReadable = async () => (await describeStatus(this.urlFor(n))) !== 200;
    await waitFor(notReadable, this.readyTimeoutMs, `camera ${n} to disappear`);
  }

  async drop(n: number): Promise<void> {
    await this.require(n).stop();
    this.log.info({ camera: n }, 'camera dropped');
    await this.gone(n);
  }

  async restore(n: number): Promise<void> {
    this.require(n).start();
    this.log.info({ camera: n }, 'camera restored');
    await waitFor(() => this.readable(n), this.readyTimeoutMs, `camera ${n} to be readable again`);
  }

  private sceneFor(n: number, name: string | undefined): SceneDefinition {
    if (name === undefined) {
      const scene = assignScenes(n, this.library, this.options.mapping).get(n);
      if (!scene) throw new Error(`no scene for camera ${n}`);
      return scene;
    }
    const scene = this.library.find((s) => s.name === name);
    if (!scene) throw new Error(`no scene ${name} (scenes: ${this.library.map((s) => s.name).join(', ')})`);
    return scene;
  }

  /** Cameras added at run time draw from the RTP pool too: 2 ports per publisher (docs/architecture.md §5). */
  async add(o: { n?: number; scene?: string } = {}): Promise<CameraStatus> {
    if (this.stopping) throw new Error('rtsp-sim is stopping');
    const n = o.n ?? Math.max(0, ...this.publishers.keys()) + 1;
    if (!Number.isInteger(n) || n < 1) throw new Error(`camera number must be an integer ≥ 1, got ${n}`);
    if (this.publishers.has(n)) throw new Error(`camera ${n} exists already`);
    const scene = this.sceneFor(n, o.scene);
    await this.render(scene);
    this.assignment.set(n, scene);
    this.startPublisher(n, scene);
    this.log.info({ camera: n, scene: scene.name }, 'camera added');
    await waitFor(() => this.readable(n), this.readyTimeoutMs, `camera ${n} to be readable`);
    return this.statusOf(n);
  }

  async remove(n: number): Promise<void> {
    const p = this.require(n);
    this.publishers.delete(n);
    this.assignment.delete(n);
    await p.stop();
    this.log.info({ camera: n }, 'camera removed');
    await this.gone(n);
  }

  pids(): number[] {
    return [...this.publishers.values()].map((p) => p.pid).filter((p): p is number => p !== undefined);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.publishers.values()].map((p) => p.stop()));
  }
}
