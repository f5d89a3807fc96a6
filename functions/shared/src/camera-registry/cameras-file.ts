import { z } from 'zod';

/** What the model is told about the camera a clip comes from (site rules differ per camera). */
export const CameraContextSchema = z.object({
  site: z.string().min(1).max(200),
  requiredPpe: z.array(z.string().min(1).max(100)).max(20),
  zones: z.array(z.string().min(1).max(400)).max(20),
  /** Free text from the registry (what is normal here). */
  notes: z.string().max(2000).optional(),
});
export type CameraContext = z.infer<typeof CameraContextSchema>;

/** CAMERAS_FILE: `{ "defaults"?: CameraContext, "cameras": { "<cameraId>": Partial<CameraContext> } }`. */
export const CamerasFileSchema = z.object({
  defaults: CameraContextSchema.optional(),
  cameras: z.record(z.string(), CameraContextSchema.partial()).default({}),
});
export type CamerasFile = z.infer<typeof CamerasFileSchema>;

/** Used for every camera the file does not name (and when CAMERAS_FILE is unset). */
export const DEFAULT_CAMERA_CONTEXT: CameraContext = {
  site: 'industrial plant floor',
  requiredPpe: ['hard hat', 'hi-vis safety vest'],
  zones: ['restricted zone (red floor marking): no entry'],
};

/** Parses a CAMERAS_FILE body; the message names the problem. */
export function parseCamerasFile(text: string): CamerasFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`CAMERAS_FILE is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const r = CamerasFileSchema.safeParse(value);
  if (!r.success)
    throw new Error(
      `CAMERAS_FILE is invalid: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}

/** The context of one camera: its entry merged over the file's defaults over the built-in defaults. */
export function contextFor(cameraId: string, file: CamerasFile | undefined): CameraContext {
  const base = file?.defaults ?? DEFAULT_CAMERA_CONTEXT;
  return { ...base, ...definedOnly(file?.cameras[cameraId] ?? {}) };
}

/**
 * zod types a partial entry's fields `?: T | undefined`; JSON cannot carry undefined, but dropping such keys
 * makes sure a field an entry leaves out keeps the default instead of blanking it.
 */
function definedOnly<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
