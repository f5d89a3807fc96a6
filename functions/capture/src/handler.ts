import type { HttpFunction } from '@google-cloud/functions-framework';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { EventType, type ClipRecorded } from '../../shared/src/events';
import { createFunctionHandler, type Readiness } from '../../shared/src/http';
import type { ClipIntake } from './intake';

/**
 * The CloudEvent function `capture`: POST / takes `clip.recorded` (binary or structured;
 * malformed → 400 by the shared layer; rejected clip → 422 with the reason), plus
 * /healthz, /readyz and /metrics.
 */
export function createCaptureHandler(opts: {
  intake: ClipIntake;
  readiness: () => Promise<Readiness>;
  registry: Registry;
  logger: Logger;
  /** `camera.updated`: reconcile the recorders with the registry now instead of at the next lease round. */
  onCameraUpdated?: () => Promise<void>;
}): HttpFunction {
  return createFunctionHandler({
    name: 'capture',
    accepted: [EventType.clipRecorded, EventType.cameraUpdated],
    onEvent: async (event) => {
      if (event.type === EventType.cameraUpdated) {
        await opts.onCameraUpdated?.();
        return { reconciled: true };
      }
      const { job, enqueued } = await opts.intake.take(event.data as ClipRecorded);
      return { id: job.id, enqueued, job };
    },
    readiness: opts.readiness,
    registry: opts.registry,
    logger: opts.logger,
  });
}
