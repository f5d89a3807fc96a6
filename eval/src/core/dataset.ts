import path from 'node:path';
import { z } from 'zod';
import { CameraContextSchema } from '../../../functions/inference/src/core/camera-context';
import { lexicalPathProblem } from '../../../functions/shared/src/clip-path';
import { HAZARD_TYPES, severityOf, type HazardType } from '../../../functions/shared/src/verdict';
import { CameraIdSchema } from '../../../functions/shared/src/camera-id';

/**
 * One line of `labels.jsonl` (docs/evaluation.md): a clip, relative to the dataset folder, and
 * what a correct verdict says about it. `status` is `safe` exactly when `hazards` is empty, the
 * same rule the model's answer obeys (ModelVerdictSchema).
 */
export const LabelSchema = z
  .strictObject({
    clip: z
      .string()
      .min(1)
      .max(1024)
      .regex(/\.mp4$/i, 'clip must name an .mp4 file')
      .refine((p) => lexicalPathProblem(p) === undefined, {
        message: 'clip must be a relative path inside the dataset folder (no "..", not absolute)',
      }),
    cameraId: CameraIdSchema,
    status: z.enum(['safe', 'warning', 'danger']),
    hazards: z.array(z.enum(HAZARD_TYPES)).max(32),
    note: z.string().max(2000).optional(),
    /** The camera context for this clip (as in CAMERAS_FILE); unset = the run's CAMERAS_FILE or the built-in default. */
    context: CameraContextSchema.optional(),
    /** Where the clip came from (free-form, e.g. scene and offset, or the feedback record). */
    source: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((l) => (l.status === 'safe') === (l.hazards.length === 0), {
    message: 'status must be "safe" exactly when hazards is empty',
  })
  .refine((l) => l.status === 'safe' || l.status === statusOf(l.hazards), {
    message: 'status must be "danger" when a hazard is a danger type (person_fall, fire), else "warning"',
  });
export type Label = z.infer<typeof LabelSchema>;

/** The status a set of hazards implies (docs/architecture.md §4.4 severities): the rule labels and few-shot answers share. */
export function statusOf(hazards: readonly HazardType[]): 'safe' | 'warning' | 'danger' {
  if (hazards.length === 0) return 'safe';
  return hazards.some((h) => severityOf(h) === 'danger') ? 'danger' : 'warning';
}

export class DatasetError extends Error {}

/**
 * Parses a labels.jsonl body. Blank lines are skipped; every bad line is reported with its
 * number and the field, all at once (a labeller fixes them in one pass). Duplicate clips are errors.
 * @throws DatasetError
 */
export function parseLabels(text: string, file = 'labels.jsonl'): Label[] {
  const labels: Label[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, i) => {
    const n = i + 1;
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      problems.push(`${file}:${n}: not JSON (${(err as Error).message})`);
      return;
    }
    const r = LabelSchema.safeParse(value);
    if (!r.success) {
      for (const issue of r.error.issues)
        problems.push(`${file}:${n}: ${issue.path.join('.') || '(line)'}: ${issue.message}`);
      return;
    }
    const key = path.posix.normalize(r.data.clip);
    const first = seen.get(key);
    if (first !== undefined) problems.push(`${file}:${n}: clip ${r.data.clip} is already labelled on line ${first}`);
    else seen.set(key, n);
    labels.push({ ...r.data, hazards: [...new Set(r.data.hazards)].sort() });
  });
  if (problems.length > 0)
    throw new DatasetError(`${file} has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  if (labels.length === 0) throw new DatasetError(`${file} has no labelled clips`);
  return labels;
}

/** One labels.jsonl line (fixed key order, so regenerated sets diff cleanly). */
export function formatLabel(l: Label): string {
  const { clip, cameraId, status, hazards, note, context, source } = l;
  return JSON.stringify({
    clip,
    cameraId,
    status,
    hazards,
    ...(note ? { note } : {}),
    ...(context ? { context } : {}),
    ...(source ? { source } : {}),
  });
}
