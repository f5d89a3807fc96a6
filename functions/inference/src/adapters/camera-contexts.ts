import type { Logger } from 'pino';
import { contextFor, type CameraContext, type CamerasFile } from '../../../shared/src/camera-registry/cameras-file';
import type { CameraEntry, Zone } from '../../../shared/src/camera-registry/schema';
import type { CameraRegistry } from '../../../shared/src/camera-registry/store';
import { toError } from '../../../shared/src/errors';
import { contextOfEntry } from '../core/camera-context';

/**
 * Every camera's prompt context, read from the registry and kept current: the version counter
 * is polled every `pollMs` (one GET) and the hash re-read only when it moved, or at once on a
 * `camera.updated` event. The prompt builder reads it synchronously per clip. A camera missing
 * from the registry gets the CAMERAS_FILE / built-in context, as before the registry.
 */
export class CameraContexts {
  private entries = new Map<string, CameraEntry>();
  private version = -1;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly o: {
      registry: CameraRegistry;
      language: 'ko' | 'en';
      file: CamerasFile | undefined;
      pollMs: number;
      logger: Logger;
    },
  ) {}

  /**
   * `drawn`: the zones drawn into the clip being judged (read from the registry for that clip),
   * described instead of this poll's copy, which may be a moment older (issue #26.9).
   */
  contextOf(cameraId: string, drawn?: readonly Zone[]): CameraContext {
    const e = this.entries.get(cameraId);
    if (!e) return contextFor(cameraId, this.o.file);
    return contextOfEntry(drawn ? { ...e, zones: [...drawn] } : e, this.o.language);
  }

  async start(): Promise<void> {
    await this.refresh(true).catch((err) =>
      this.o.logger.warn(
        { err: toError(err).message },
        'camera registry not readable yet; using CAMERAS_FILE contexts',
      ),
    );
    this.timer = setInterval(
      () =>
        void this.refresh().catch((err) =>
          this.o.logger.warn({ err: toError(err).message }, 'camera registry poll failed'),
        ),
      this.o.pollMs,
    );
    this.timer.unref();
  }

  /** Re-reads when the version moved (or `force`). Concurrent calls share one read. */
  refresh(force = false): Promise<void> {
    this.refreshing ??= (async () => {
      const v = await this.o.registry.version();
      if (!force && v === this.version) return;
      const list = await this.o.registry.list();
      this.entries = new Map(list.map((e) => [e.id, e]));
      this.version = v;
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
