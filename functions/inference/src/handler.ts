import type { HttpFunction } from '@google-cloud/functions-framework';
import type { ClipJob } from '../../shared/src/clip-job';
import type { ReceivedEvent } from '../../shared/src/cloudevents';
import { EventType, type CameraStatusEvent } from '../../shared/src/events';
import { createFunctionHandler, type FunctionHandlerDeps } from '../../shared/src/http';

/** What the CloudEvent surface calls into (implemented by the service). */
export interface InferenceActions {
  /** `clip.captured`: judge this clip now (idempotent with the pull loop by job id). */
  processClip(job: ClipJob): Promise<unknown>;
  /** `camera.offline` / `camera.online`: the camera_offline incident. */
  cameraStatus(eventId: string, e: CameraStatusEvent): Promise<unknown>;
  /** `camera.updated`: re-read the registry now (it is also polled every second). */
  cameraUpdated(): Promise<unknown>;
}

/** The `inference` CloudEvent function: decode, dispatch, nothing else (logic lives in app/ and core/). */
export function createInferenceHandler(deps: FunctionHandlerDeps<InferenceActions>): HttpFunction {
  const { actions } = deps;
  return createFunctionHandler({
    name: 'inference',
    accepted: [EventType.clipCaptured, EventType.cameraOffline, EventType.cameraOnline, EventType.cameraUpdated],
    onEvent: async (event: ReceivedEvent) => {
      if (event.type === EventType.clipCaptured) return actions.processClip(event.data as ClipJob);
      if (event.type === EventType.cameraUpdated) return actions.cameraUpdated();
      return actions.cameraStatus(event.id, event.data as CameraStatusEvent);
    },
    readiness: deps.readiness,
    registry: deps.registry,
    logger: deps.logger,
    ...(deps.routes ? { routes: deps.routes } : {}),
  });
}
