import type { Logger } from 'pino';
import type { Publisher } from '../../../shared/src/cloudevents';
import { toError } from '../../../shared/src/errors';
import { EventType, type CameraStatusEvent } from '../../../shared/src/events';
import { WATCHDOG_OWNER, type WatchdogEvent } from '../core/camera-liveness';
import type { AlertStore } from './redis-store';

/** Ids remembered as sent; past it the memory starts again (the ids are deterministic, so a resend is deduplicated). */
const SENT_MAX = 10_000;

/**
 * Publishes the watchdog's camera.offline / camera.online (core/camera-liveness.ts) to K_SINK,
 * the same events capture publishes, so inference opens the camera_offline incident and
 * notifications reach a phone; then stores it as this function's own camera event, so the
 * dashboard shows it at once even without a Broker routing it back (`npm start` without K_SINK,
 * tests). A failed publish is not stored, so the next refresh tries again.
 */
export class CameraWatchdog {
  private readonly sent = new Set<string>();

  constructor(
    private readonly opts: {
      readonly store: Pick<AlertStore, 'putCamera'>;
      readonly publisher: Pick<Publisher, 'publish'>;
      readonly logger: Logger;
    },
  ) {}

  async announce(events: readonly WatchdogEvent[], now: Date): Promise<void> {
    for (const e of events) {
      if (this.sent.has(e.id)) continue;
      const data: CameraStatusEvent = {
        cameraId: e.cameraId,
        status: e.status,
        at: now.toISOString(),
        ...(e.lastClipAtMs ? { lastClipAt: new Date(e.lastClipAtMs).toISOString() } : {}),
        owner: WATCHDOG_OWNER,
        reason: e.reason,
      };
      try {
        await this.opts.publisher.publish({
          id: e.id,
          type: e.status === 'offline' ? EventType.cameraOffline : EventType.cameraOnline,
          cameraId: e.cameraId,
          data,
        });
        await this.opts.store.putCamera(e.id, data);
      } catch (err) {
        this.opts.logger.error({ cameraId: e.cameraId, err: toError(err).message }, 'watchdog event not published');
        continue;
      }
      if (this.sent.size >= SENT_MAX) this.sent.clear();
      this.sent.add(e.id);
      this.opts.logger[e.status === 'offline' ? 'warn' : 'info'](
        { cameraId: e.cameraId, reason: e.reason },
        `camera ${e.status} (watchdog)`,
      );
    }
  }
}
