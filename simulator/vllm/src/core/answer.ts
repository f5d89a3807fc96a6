import { conform } from './json-schema';
import { qwenTokenizer } from './qwen-tokenizer';
import type { JsonSchema } from './json-schema';
import type { OutputFormat } from './request';
import type { ModelVerdict } from '../../../../functions/shared/src/verdict';

/**
 * A schema without `summary` is the terse answer inference asks for (functions/shared/src/verdict-terse.ts):
 * the sim answers as a model following that prompt would, with no summary and no description (its
 * descriptions only restate the type).
 */
function shapedFor(verdict: ModelVerdict, schema: JsonSchema): unknown {
  if (schema.properties?.summary !== undefined) return verdict;
  return { status: verdict.status, hazards: verdict.hazards.map((h) => ({ type: h.type, confidence: h.confidence })) };
}

/**
 * Renders the verdict in the requested output format. With a JSON schema the verdict is bent
 * into that schema (so the answer always validates, as with vLLM's constrained decoding);
 * plain text gets the summary.
 */
export function renderAnswer(verdict: ModelVerdict, format: OutputFormat): string {
  if (format.type === 'json_schema') return JSON.stringify(conform(shapedFor(verdict, format.schema), format.schema));
  if (format.type === 'json_object') return JSON.stringify(verdict);
  return verdict.summary;
}

/**
 * Cuts an answer to `maxTokens` Qwen3 tokens, as max_tokens does: finish_reason becomes "length".
 * The end-of-turn token is one of the generated tokens, so an answer of exactly `maxTokens` text
 * tokens is cut too.
 */
export function truncateAnswer(
  content: string,
  maxTokens: number | undefined,
): { content: string; finishReason: 'stop' | 'length' } {
  if (maxTokens === undefined) return { content, finishReason: 'stop' };
  const tok = qwenTokenizer();
  const ids = tok.encode(content);
  if (ids.length < maxTokens) return { content, finishReason: 'stop' };
  return { content: tok.decode(ids.slice(0, maxTokens)), finishReason: 'length' };
}
