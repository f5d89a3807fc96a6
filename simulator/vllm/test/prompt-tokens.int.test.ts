import { measurePromptTokens } from '../../../tools/tokens/prompt-tokens';

/**
 * The real request body (committed few-shot set, a fresh query clip) through vllm-sim's real
 * tokenizer: prompt_tokens and cached_tokens as vLLM would report them (audit 2026-12 W3: ≈ 4,535
 * cached, ≈ 660–670 uncached). Bounds, not exact values, so rewording an example answer does not
 * break it; the arithmetic itself is pinned in tokens.test.ts.
 */
test('the few-shot prefix is cached in whole 16-token blocks and the query costs its 600 video tokens + its text', async () => {
  const r = await measurePromptTokens('en');
  expect(r.cachedTokens % 16).toBe(0);
  expect(r.cachedTokens).toBeGreaterThan(r.examples * 600); // every example clip is in the prefix
  expect(r.uncachedTokens).toBeGreaterThanOrEqual(600 + 20); // the query clip, its camera context, the template
  expect(r.uncachedTokens).toBeLessThan(600 + 16 + 100);
  expect(r.promptTokens).toBe(r.cachedTokens + r.uncachedTokens);
}, 60_000);
