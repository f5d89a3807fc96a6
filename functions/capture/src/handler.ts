import type { HttpFunction } from '@google-cloud/functions-framework';
import { EventType, type ClipRecorded } from '../../shared/src/events';
import { createFunctionHandler, type FunctionHandlerDeps } from '../../shared/src/http';
import type { IntakeResult } from './app/intake';

/** What the capture CloudEvent surface calls into (implemented by the app layer). */
export interface CaptureActions {
  /** `clip.recorded` from outside: guard → validate → quarantine, or enqueue (app/intake.ts). */
  clipRecorded(data: ClipRecorded): Promise<IntakeResult>;
  /** `camera.updated`: reconcile the recorders with the registry now instead of at the next lease round. */
  cameraUpdated(): Promise<void>;
}

/**
 * The CloudEvent function `capture`: POST / takes `clip.recorded` (binary or structured;
 * malformed → 400 by the shared layer; rejected clip → 422 with the reason) and `camera.updated`,
 * plus /healthz, /readyz and /metrics.
 */
export function createCaptureHandler(deps: FunctionHandlerDeps<CaptureActions>): HttpFunction {
  const { actions } = deps;
  return createFunctionHandler({
    name: 'capture',
    accepted: [EventType.clipRecorded, EventType.cameraUpdated],
    onEvent: async (event) => {
      if (event.type === EventType.cameraUpdated) {
        await actions.cameraUpdated();
        return { reconciled: true };
      }
      const { job, enqueued } = await actions.clipRecorded(event.data as ClipRecorded);
      return { id: job.id, enqueued, job };
    },
    readiness: deps.readiness,
    registry: deps.registry,
    logger: deps.logger,
    ...(deps.routes ? { routes: deps.routes } : {}),
  });
}
