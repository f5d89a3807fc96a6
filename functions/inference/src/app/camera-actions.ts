import type { CameraStatusEvent } from '../../../shared/src/events';
import type { CameraContexts } from '../adapters/camera-contexts';
import type { InferenceActions } from '../handler';
import { applyCameraEvent, type OutcomeDeps } from './outcome';

/** The camera events inference takes: status (the camera_offline incident) and registry updates. */
export function createCameraActions(
  contexts: CameraContexts,
  outcome: OutcomeDeps,
): Pick<InferenceActions, 'cameraStatus' | 'cameraUpdated'> {
  return {
    cameraStatus: async (eventId: string, e: CameraStatusEvent) => {
      const at = { cameraId: e.cameraId, status: e.status, atMs: Date.parse(e.at) };
      const events = await applyCameraEvent(outcome, eventId, at, new Date());
      return { alerts: events.map((x) => x.id) };
    },
    // re-read the registry now (it is also polled every second)
    cameraUpdated: async () => {
      await contexts.refresh(true);
      return { refreshed: true };
    },
  };
}
