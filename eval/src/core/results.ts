import { z } from 'zod';
import type { HazardType } from '../../../functions/shared/src/verdict';
import type { ExpectedStatus, Metrics, PredictedStatus } from './metrics';

/** One clip's outcome in results.json. */
export interface ClipResult {
  clip: string;
  cameraId: string;
  expected: { status: ExpectedStatus; hazards: HazardType[] };
  predicted: { status: PredictedStatus; hazards: HazardType[]; summary: string; reason?: string };
  /** wall time of prepare + model calls, ms */
  latencyMs: number;
  /** model time only (judge), ms */
  modelMs: number;
  /** summed over the model calls of this clip (2 when the first answer broke the schema) */
  tokens: { prompt: number; completion: number; cached: number };
  calls: number;
  wrong: boolean;
  note?: string;
}

/** How the run was made: enough to reproduce it and to tell two runs apart. */
export interface RunInfo {
  model: string;
  baseUrl: string;
  prefixHash: string;
  fewshot: { dir: string; examples: string[] };
  cameras: string | null;
  media: { mode: string; sampling: string; fps: number; maxSide: number };
  /** request fields other than messages/model (temperature, max_tokens, response_format, mm_processor_kwargs) */
  sampling: Record<string, unknown>;
  language: string;
  concurrency: number;
}

export interface Results {
  v: 1;
  createdAt: string;
  dataset: { dir: string; clips: number };
  run: RunInfo;
  durationMs: number;
  clips: ClipResult[];
  metrics: Metrics;
}

/** What the gate and `compare` need of a results file (a committed baseline may carry only this). */
const HazardMetricsSchema = z.object({
  labelled: z.number(),
  tp: z.number(),
  fp: z.number(),
  fn: z.number(),
  precision: z.number().nullable(),
  recall: z.number().nullable(),
  f1: z.number().nullable(),
});
export const MetricsFileSchema = z.looseObject({
  metrics: z.looseObject({
    clips: z.number(),
    perHazard: z.record(z.string(), HazardMetricsSchema),
    micro: z.looseObject({ f1: z.number().nullable() }),
    macroF1: z.number().nullable(),
    missedDanger: z.number(),
    dangerClips: z.number(),
  }),
  run: z.looseObject({ prefixHash: z.string(), model: z.string() }).optional(),
});

/** Parses a results.json (or baseline) body; the message names the file and the field. */
export function parseMetricsFile(text: string, file: string): { metrics: Metrics; run?: Partial<RunInfo> } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const r = MetricsFileSchema.safeParse(value);
  if (!r.success)
    throw new Error(
      `${file} is not an eval results file: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data as unknown as { metrics: Metrics; run?: Partial<RunInfo> };
}
