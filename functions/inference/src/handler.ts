import type { HttpFunction } from '@google-cloud/functions-framework';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ClipJob } from '../../shared/src/clip-job';
import type { ReceivedEvent } from '../../shared/src/cloudevents';
import { EventType, type CameraStatusEvent } from '../../shared/src/events';
import { createFunctionHandler, type Readiness } from '../../shared/src/http';

/** What the CloudEvent surface calls into (implemented by the service). */
export interface InferenceActions {
  /** `clip.captured`: judge this clip now (idempotent with the pull loop by job id). */
  processClip(job: ClipJob): Promise<unknown>;
  /** `camera.offline` / `camera.online`: the camera_offline incident. */
  cameraStatus(eventId: string, e: CameraStatusEvent): Promise<unknown>;
  /** `camera.updated`: re-read the registry now (it is also polled every second). */
  cameraUpdated(): Promise<unknown>;
  readiness(): Promise<Readiness>;
}

/** The `inference` CloudEvent function: decode, dispatch, nothing else (logic lives in the service/core). */
export function createInferenceHandler(actions: InferenceActions, registry: Registry, logger: Logger): HttpFunction {
  return createFunctionHandler({
    name: 'inference',
    accepted: [EventType.clipCaptured, EventType.cameraOffline, EventType.cameraOnline, EventType.cameraUpdated],
    onEvent: async (event: ReceivedEvent) => {
      if (event.type === EventType.clipCaptured) return actions.processClip(event.data as ClipJob);
      if (event.type === EventType.cameraUpdated) return actions.cameraUpdated();
      return actions.cameraStatus(event.id, event.data as CameraStatusEvent);
    },
    readiness: () => actions.readiness(),
    registry,
    logger,
  });
}
