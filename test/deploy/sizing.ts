/**
 * The sizing derivation of docs/deploy.md §6, in one place for the tests that check the
 * manifests' KEDA numbers against it. GPU constants are ASSUMED (no GPU was available):
 * 8,000 uncached prefill tokens/s, 1,500 decode tokens/s, 80 output tokens per verdict.
 */
/** Uncached tokens of the default input (448×256, 2 fps, 5 s clip; the few-shot prefix is cached). */
export const CLIP_TOKENS = 623;
/** GPU seconds per clip: prefill + decode. */
export const GPU_SECONDS_PER_CLIP = CLIP_TOKENS / 8000 + 80 / 1500;
/** Per-pod throughput μ (clips/s): the GPU's rate; the preparer and the adaptive concurrency do not bind (measured). */
export const MU = 1 / GPU_SECONDS_PER_CLIP;
/** Per-request service time under batching (ASSUMED). */
export const SERVICE_SECONDS = 3;
/** Preparation and publishing, with margin. */
export const PREPARE_SECONDS = 1;
/** Verdict latency requirement after a clip closes (ASSUMED). */
export const VERDICT_BUDGET_SECONDS = 10;
