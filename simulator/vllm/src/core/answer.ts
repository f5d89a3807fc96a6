import { conform } from './json-schema';
import type { OutputFormat } from './request';
import type { ModelVerdict } from '../../../../functions/shared/src/verdict';

/**
 * Renders the verdict in the requested output format. With a JSON schema the verdict is bent
 * into that schema (so the answer always validates, as with vLLM's constrained decoding);
 * plain text gets the summary.
 */
export function renderAnswer(verdict: ModelVerdict, format: OutputFormat): string {
  if (format.type === 'json_schema') return JSON.stringify(conform(verdict, format.schema));
  if (format.type === 'json_object') return JSON.stringify(verdict);
  return verdict.summary;
}

/** Cuts an answer to `maxTokens` (≈4 chars each), as max_tokens does: finish_reason becomes "length". */
export function truncateAnswer(
  content: string,
  maxTokens: number | undefined,
): { content: string; finishReason: 'stop' | 'length' } {
  if (maxTokens === undefined || content.length <= maxTokens * 4) return { content, finishReason: 'stop' };
  return { content: content.slice(0, maxTokens * 4), finishReason: 'length' };
}
