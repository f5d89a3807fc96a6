import { maskPassword } from './credentials';
import { contextFor, type CamerasFile } from './cameras-file';
import type { CameraEntry } from './schema';

export interface SeedInput {
  numStreams: number;
  /** RTSP_URL_TEMPLATE (`{N}` is 1-based). */
  rtspUrlTemplate: string;
  camerasFile?: CamerasFile | undefined;
}

/**
 * Today's configuration as registry entries: cam1…camN from NUM_STREAMS/RTSP_URL_TEMPLATE, with
 * the CAMERAS_FILE context. Its free-text zone lines become `markings` (they have no polygon), so
 * the prompt of an unchanged configuration stays byte-identical; drawn zones come from the API. Pure.
 */
export function seedEntries(i: SeedInput): CameraEntry[] {
  return Array.from({ length: i.numStreams }, (_, k) => {
    const id = `cam${k + 1}`;
    const ctx = contextFor(id, i.camerasFile);
    return {
      id,
      // never the template's password: capture takes it from RTSP_URL_TEMPLATE itself (camera-target.ts)
      url: maskPassword(i.rtspUrlTemplate.replaceAll('{N}', String(k + 1))),
      enabled: true,
      site: ctx.site,
      area: '',
      requiredPpe: ctx.requiredPpe,
      context: ctx.notes ?? '',
      markings: ctx.zones,
      zones: [],
    };
  });
}
