/**
 * The few-shot example with a drawn zone: a scene's ground-truth zones (rtsp-sim) rendered as the
 * overlay inference composites into model frames, and the context text that names them. Used by
 * make-fewshot.ts for the `<scene>+zones` entries, so the example teaches the model what a drawn
 * zone looks like and that a person inside one is the zone's hazard.
 */
import type { GroundTruth } from '../../simulator/cameras/src';
import {
  DEFAULT_CAMERA_CONTEXT,
  describeZone,
  type CameraContext,
} from '../../functions/inference/src/core/camera-context';
import { parseCameraEntry } from '../../functions/shared/src/camera-registry/schema';
import { renderZonesPng } from '../../functions/shared/src/zones/render';

/** `restricted_zone_intrusion+zones` → the scene name and whether zones are drawn. */
export function parseExampleName(name: string): { scene: string; drawZones: boolean } {
  return name.endsWith('+zones')
    ? { scene: name.slice(0, -'+zones'.length), drawZones: true }
    : { scene: name, drawZones: false };
}

/** The overlay PNG and the context of a scene with its zones drawn (English zone text, like the default context). */
export function drawnZones(gt: GroundTruth): { overlayPng: Buffer; context: CameraContext } {
  // validated as a registry entry would be: the example shows exactly what a configured camera gets
  const { zones } = parseCameraEntry({ id: 'example', url: 'rtsp://example/cam', zones: gt.zones ?? [] });
  if (zones.length === 0) throw new Error(`scene ${gt.scene} has no zones to draw`);
  return {
    overlayPng: renderZonesPng(zones),
    context: { ...DEFAULT_CAMERA_CONTEXT, zones: zones.map((z) => describeZone(z, 'en')) },
  };
}
