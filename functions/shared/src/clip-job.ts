import { z } from 'zod';
import { ModelClipSchema } from './model-clip';
import { CameraIdSchema } from './camera-id';

/** docs/architecture.md §3.4 [contract]: the JSON job in `safety:clips`. Unknown extra fields are kept. */
export const ClipJobSchema = z.looseObject({
  v: z.literal(1),
  id: z.string().min(1).max(256),
  cameraId: CameraIdSchema,
  path: z.string().min(1).max(1024),
  startedAt: z.iso.datetime({ offset: true }),
  durationMs: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  attempt: z.number().int().nonnegative(),
  /** The capture-made model clip (issue #13); absent: inference makes one from `path` itself. */
  model: ModelClipSchema.optional(),
});

export type ClipJob = z.infer<typeof ClipJobSchema>;

/**
 * Where a clip comes from. In-process only, never from a request body (issue #18.1): a clip of
 * our own recorder is validated in-process and counts for camera liveness.
 */
export interface ClipSource {
  origin: 'recorder' | 'external';
  /** A segment of the live run (not one recovered from staging): counts for camera liveness. */
  live?: boolean;
}

export type ParsedJob = { ok: true; job: ClipJob } | { ok: false; reason: string };

/** Parses a raw queue entry; never throws. The reason is stored with the dead letter. */
export function parseClipJob(raw: string): ParsedJob {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    return { ok: false, reason: `job is not JSON: ${(err as Error).message}` };
  }
  const result = ClipJobSchema.safeParse(value);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { ok: false, reason: `job fails the clip-job schema: ${detail}` };
  }
  return { ok: true, job: result.data };
}

/** `cam3` + 2026-11-28T20:40:00Z → `cam3-20261128T204000Z`, the id and file stem of a clip. */
export function clipStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * @deprecated The old id, from what the sender says (camera + start): a forged event could squat
 * it (issue #18.1). Job ids now come from the clip itself: `clip-identity.ts`.
 */
export function clipJobId(cameraId: string, startedAt: Date): string {
  return `${cameraId}-${clipStamp(startedAt)}`;
}
