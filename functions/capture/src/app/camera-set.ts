import type { CoverageStore } from '../../../shared/src/coverage-store';
import type { Logger } from 'pino';
import { sleep } from '../../../shared/src/async';
import type { CameraRegistry } from '../../../shared/src/camera-registry/store';
import type { Config } from '../../../shared/src/config';
import { ZoneOverlayFiles } from '../../../shared/src/zones/overlay-file';
import { zonesHash } from '../../../shared/src/zones/render';
import type { CameraHealth } from '../adapters/camera-health';
import type { CaptureMetrics } from '../adapters/metrics';
import { CameraRecorder } from '../adapters/recorder/camera-recorder';
import type { RecorderModelOptions, RecorderStatus } from '../adapters/recorder/types';
import { cameraTarget, sameTarget, type CameraTarget } from '../core/camera-target';
import type { ClipIntake } from './intake';

export interface CameraSetDeps {
  readonly config: Config;
  readonly replicaId: string;
  readonly registry: CameraRegistry;
  readonly health: CameraHealth;
  readonly intake: ClipIntake;
  readonly metrics: CaptureMetrics;
  readonly logger: Logger;
  /** Coverage marks (issue #26.7); absent = not measured. */
  readonly coverage?: CoverageStore | undefined;
}

/** The hash of a camera's zones as the recorder draws them; '' = none. */
function drawnHash(zones: Parameters<typeof zonesHash>[0] | undefined): string {
  return zones && zones.length > 0 ? zonesHash(zones) : '';
}

/**
 * The recorders this replica runs, one per camera it owns: started (staggered) when a camera is
 * acquired, stopped when it is lost, restarted when the registry re-points its URL or (with
 * MODEL_CLIP) changes its zones.
 */
export class CameraSet {
  private readonly recorders = new Map<string, CameraRecorder>();
  private readonly recordingTarget = new Map<string, CameraTarget>();
  /** zonesHash each recorder was spawned with ('' = none): a change restarts it (new zones into the model clip). */
  private readonly recordingZones = new Map<string, string>();
  /** Enabled camera → URL (password opened, in memory only) and transport, as the last registry read listed them. */
  private readonly directory = new Map<string, CameraTarget>();
  private readonly overlays: ZoneOverlayFiles;
  private stopped = false;
  private starting: Promise<void> = Promise.resolve();
  /** Told once per recorder start when its first live clip was taken by the intake (the hand-over marker). */
  private recordedHook: ((cam: string) => Promise<void>) | undefined;

  constructor(private readonly d: CameraSetDeps) {
    this.overlays = new ZoneOverlayFiles(d.config.common.clipsDir);
  }

  cameras(): string[] {
    return [...this.recorders.keys()];
  }

  statuses(): RecorderStatus[] {
    return [...this.recorders.values()].map((r) => r.status());
  }

  /** Every recorder finishes its own camera's staging leftovers. */
  async recoverStaging(): Promise<void> {
    await Promise.all([...this.recorders.values()].map((r) => r.recover()));
  }

  /** Tells `hook` when a recorder's first live clip was taken (lease mode's hand-over, core/handoff.ts). */
  onRecorded(hook: (cam: string) => Promise<void>): void {
    this.recordedHook = hook;
  }

  /** Starts recording `cam` from its target (no-op when stopped, already recording or without a URL). */
  acquire(cam: string, target: CameraTarget | undefined): void {
    const { config, metrics } = this.d;
    const { common, capture: cc } = config;
    if (this.stopped || this.recorders.has(cam) || !target || target.url === '') return;
    this.recordingTarget.set(cam, target);
    let announced = false;
    const rec = new CameraRecorder({
      cameraId: cam,
      url: target.url,
      clipsDir: common.clipsDir,
      transport: target.transport,
      timeoutSeconds: cc.rtspTimeoutSeconds,
      segmentSeconds: common.segmentSeconds,
      respawnMaxMs: cc.respawnMaxSeconds * 1000,
      ffmpegPath: this.d.config.tools.ffmpegPath,
      replicaId: this.d.replicaId,
      logger: this.d.logger,
      metrics,
      onClip: async (data, from) => {
        const taken = await this.d.intake.take(data, from);
        // the first clip of this recorder is in the queue: a replica handing the camera over may stop now
        if (from.live && !announced) {
          announced = true;
          await this.recordedHook?.(cam);
        }
        return taken;
      },
      model: this.modelOptions(cam),
      markGap: (cause, atMs) => {
        this.d.coverage
          ?.mark(cam, cause, atMs)
          .catch((err: unknown) =>
            this.d.logger.warn({ cameraId: cam, err: String(err) }, 'coverage mark not written'),
          );
      },
    });
    this.recorders.set(cam, rec);
    metrics.camerasOwned.set(this.recorders.size);
    // staggered: a start-up CPU spike makes the UDP RTSP server drop packets (docs/architecture.md §5)
    this.starting = this.starting.then(async () => {
      if (this.stopped || this.recorders.get(cam) !== rec) return;
      await this.d.health.watch(cam).catch(() => undefined);
      rec.start();
      await sleep(cc.staggerMs);
    });
  }

  /** Starts recording a camera the last registry read listed (lease mode). */
  acquireListed(cam: string): void {
    this.acquire(cam, this.directory.get(cam));
  }

  /** Stops recording `cam` (its last clip is finalised and handed over). */
  lose(cam: string): Promise<void> | undefined {
    const rec = this.recorders.get(cam);
    if (!rec) return;
    this.recorders.delete(cam);
    this.recordingTarget.delete(cam);
    this.recordingZones.delete(cam);
    this.d.metrics.camerasOwned.set(this.recorders.size);
    this.d.health.unwatch(cam);
    return rec.stop();
  }

  /**
   * Lease mode records what the camera registry lists (seeded from NUM_STREAMS/RTSP_URL_TEMPLATE
   * on first start), re-read every lease round: cameras added, disabled or re-pointed apply live.
   * @returns the enabled camera ids (what the lease round may claim)
   */
  async enabledCameras(): Promise<string[]> {
    const enabled = (await this.d.registry.list()).filter((e) => e.enabled);
    this.directory.clear();
    const { capture: cc, common } = this.d.config;
    const targetOpts = { key: cc.credentialsKey, template: common.rtspUrlTemplate, transport: cc.rtspTransport };
    for (const e of enabled) this.directory.set(e.id, cameraTarget(e, targetOpts));
    const hashes = new Map(enabled.map((e) => [e.id, drawnHash(e.zones)]));
    for (const cam of this.cameras()) {
      const target = this.directory.get(cam);
      const drawn = this.recordingZones.get(cam);
      const zonesChanged = this.d.config.capture.modelClip && drawn !== undefined && drawn !== hashes.get(cam);
      if (target === undefined || (sameTarget(target, this.recordingTarget.get(cam)) && !zonesChanged)) continue;
      this.d.logger.info(
        { cameraId: cam, zonesChanged },
        'camera URL, transport or zones changed: restarting its recorder',
      );
      await this.lose(cam);
      this.acquire(cam, target);
    }
    return enabled.map((e) => e.id);
  }

  /** Stops every recorder (last clips finalised and handed over); no camera starts after this. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.recorders.values()].map((r) => r.stop()));
    await this.starting;
  }

  /** MODEL_CLIP=true: the recorder also writes the model clip, with the camera's zones drawn in. */
  private modelOptions(cam: string): RecorderModelOptions | undefined {
    const { capture: cc, inference: ic } = this.d.config;
    if (!cc.modelClip) return undefined;
    return {
      sampling: ic.videoSampling,
      fps: ic.videoFps,
      maxSide: ic.videoMaxSide,
      zones: () => this.zonesOf(cam),
    };
  }

  private async zonesOf(cam: string): Promise<{ overlayFile: string; zonesHash: string } | undefined> {
    const zones = (await this.d.registry.get(cam).catch(() => undefined))?.zones ?? [];
    this.recordingZones.set(cam, drawnHash(zones));
    const overlayFile = await this.overlays.pathFor(zones);
    return overlayFile ? { overlayFile, zonesHash: zonesHash(zones) } : undefined;
  }
}
