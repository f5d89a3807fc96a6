import { z } from 'zod';
import { nameKey, nameProblem, normaliseName, polygonProblem } from './zone-checks';
import { CAMERA_ID, CAMERA_ID_RULE } from '../camera-id';

/** What a zone means; one overlay colour and one rule text per kind (zone-overlay, zone-text). */
export const ZONE_KINDS = ['restricted', 'walkway', 'forklift_lane', 'ppe_required'] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];

const unit = z.number().min(0).max(1);
/** A vertex, normalised to 0..1 of the frame (x from the left, y from the top): any resolution works. */
export const PointSchema = z.tuple([unit, unit]);

/** One visible line (zone-checks.ts): NFC, no control, invisible or bidi characters, 1–60 characters. */
const ZoneNameSchema = z
  .string()
  .transform(normaliseName)
  .pipe(
    z
      .string()
      .min(1)
      .max(60)
      .superRefine((v, ctx) => {
        const problem = nameProblem(v);
        if (problem) ctx.addIssue({ code: 'custom', message: `zone name ${problem}` });
      }),
  );

export const ZoneSchema = z
  .strictObject({
    name: ZoneNameSchema,
    kind: z.enum(ZONE_KINDS),
    polygon: z.array(PointSchema).min(3).max(32),
  })
  .superRefine((zone, ctx) => {
    // a self-crossing or flat polygon draws nothing sensible and tells the model nothing (#28.3)
    const problem = polygonProblem(zone.polygon);
    if (problem) ctx.addIssue({ code: 'custom', path: ['polygon'], message: `zone "${zone.name}": ${problem}` });
  });
export type Zone = z.infer<typeof ZoneSchema>;

/** One registry entry (Redis HASH field = id, value = this as JSON). */
export const CameraEntrySchema = z.strictObject({
  id: z.string().regex(CAMERA_ID, CAMERA_ID_RULE),
  url: z
    .string()
    .max(1024)
    .regex(/^rtsps?:\/\/\S+$/, 'an rtsp:// or rtsps:// URL'),
  /**
   * The camera's password, sealed (credentials.ts): the `url` holds `user:***@` instead. Set by
   * the cameras API only; absent for a camera without a password or one seeded from RTSP_URL_TEMPLATE.
   */
  credential: z.string().max(512).optional(),
  /**
   * RTSP lower transport for this camera (issue #26.3); absent = RTSP_TRANSPORT. `auto` = UDP,
   * then TCP after a 461 (ffmpeg's own order).
   */
  transport: z.enum(['tcp', 'udp', 'auto']).optional(),
  enabled: z.boolean().default(true),
  site: z.string().trim().min(1).max(200).default('industrial plant floor'),
  area: z.string().trim().max(200).default(''),
  /** PPE every person in view must wear. */
  requiredPpe: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
  /** Free text for the model: what is normal here. */
  context: z.string().max(2000).default(''),
  /** Zones the floor itself shows (paint, tape), as free text: told to the model, not drawn. */
  markings: z.array(z.string().trim().min(1).max(400)).max(20).default([]),
  zones: z
    .array(ZoneSchema)
    .max(20)
    .default([])
    .refine(
      (zs) => new Set(zs.map((x) => nameKey(x.name))).size === zs.length,
      'zone names must be unique (ignoring case and look-alike forms)',
    ),
  /** Set by the registry on every write. */
  updatedAt: z.iso.datetime({ offset: true }).optional(),
});
export type CameraEntry = z.infer<typeof CameraEntrySchema>;
/** What a client sends (defaults not yet applied). */
export type CameraEntryInput = z.input<typeof CameraEntrySchema>;

/** A validation failure that names the field (`zones.0.polygon.2.1: Too big …`): the API answers 400 with it. */
export class CameraEntryError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field || '(body)'}: ${message}`);
    this.name = 'CameraEntryError';
  }
}

/** Validates a full entry; the first problem becomes a {@link CameraEntryError}. */
export function parseCameraEntry(value: unknown): CameraEntry {
  const r = CameraEntrySchema.safeParse(value);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  throw new CameraEntryError(first?.path.join('.') ?? '', first?.message ?? 'invalid');
}

/**
 * PATCH semantics: top-level fields replace (a `zones` array replaces all zones), `id` may not
 * change. The merged result is validated as a whole.
 */
export function patchCameraEntry(current: CameraEntry, patch: unknown): CameraEntry {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
    throw new CameraEntryError('', 'expected a JSON object');
  const p = patch as Record<string, unknown>;
  if ('id' in p && p.id !== current.id) throw new CameraEntryError('id', `cannot change (is ${current.id})`);
  const { updatedAt: _ignored, ...rest } = { ...current, ...p };
  return parseCameraEntry(rest);
}
