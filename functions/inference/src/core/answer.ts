import type { ModelVerdict } from '../../../shared/src/verdict';
import { TerseAnswerSchema, renderVerdict } from '../../../shared/src/verdict-terse';

export type ParsedAnswer = { ok: true; verdict: ModelVerdict } | { ok: false; reason: string };

/**
 * Validates the model's answer again on return (docs/architecture.md §3.6): a server may ignore the schema
 * (e.g. an unknown field is dropped silently), so the answer is never trusted as-is. The answer is the
 * terse form (status, hazards with type and confidence, an optional description); the verdict the
 * consumers get is rendered from it in `language` (shared/src/verdict-terse.ts).
 */
export function parseAnswer(content: string | null | undefined, language: 'en' | 'ko' = 'en'): ParsedAnswer {
  if (content === null || content === undefined || content.trim() === '') return { ok: false, reason: 'empty answer' };
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (err) {
    return { ok: false, reason: `answer is not JSON: ${(err as Error).message}` };
  }
  const r = TerseAnswerSchema.safeParse(value);
  if (!r.success) {
    return {
      ok: false,
      reason: `answer breaks the verdict schema: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    };
  }
  return { ok: true, verdict: renderVerdict(r.data, language) };
}
