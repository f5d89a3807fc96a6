import type { Hazard, ModelVerdict, VerdictStatus } from '../../../shared/src/verdict';
import { parseAnswer } from '../core/answer';
import type { Usage, VllmClient } from '../adapters/vllm-client';

/** The verdict a clip gets: the model's (validated), or `uncertain` with the reason. */
export interface Judgement {
  status: VerdictStatus;
  hazards: Hazard[];
  summary: string;
  reason?: string;
  /** One entry per model call (2 when the first answer broke the schema). */
  usage: Usage[];
  modelMs: number;
  /** Stored without a model request by the unchanged-scene gate: the judged clip it repeats. */
  skipped?: { repeats: string };
}

const UNCERTAIN_SUMMARY = {
  en: 'The model answer broke the verdict schema twice; the clip needs a human look.',
  ko: '모델 응답이 두 번 형식을 벗어났습니다. 사람이 클립을 확인해야 합니다.',
} as const;

/**
 * Asks the model; an answer that breaks the schema (not JSON, or ModelVerdictSchema fails) is
 * retried once, then becomes `uncertain` with the reason: kept and counted, never silently safe.
 * Transport errors propagate (the caller decides wait / retry / dead-letter).
 */
export async function judge(
  client: VllmClient,
  body: Record<string, unknown>,
  signal?: AbortSignal,
  language: 'ko' | 'en' = 'en',
): Promise<Judgement> {
  const started = performance.now();
  const usage: Usage[] = [];
  let lastReason = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    const res = await client.complete(body, signal);
    usage.push(res.usage);
    const parsed = parseAnswer(res.content, language);
    if (parsed.ok) return { ...fromVerdict(parsed.verdict), usage, modelMs: performance.now() - started };
    lastReason = parsed.reason;
  }
  return {
    status: 'uncertain',
    hazards: [],
    summary: UNCERTAIN_SUMMARY[language],
    reason: lastReason,
    usage,
    modelMs: performance.now() - started,
  };
}

function fromVerdict(v: ModelVerdict): Pick<Judgement, 'status' | 'hazards' | 'summary'> {
  return { status: v.status, hazards: v.hazards, summary: v.summary };
}
