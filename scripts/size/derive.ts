/**
 * `npm run size`: from a throughput measurement (or the sourced coefficients) to the KEDA and
 * inference settings for a camera count (docs/deploy.md §6). Pure arithmetic; the single source
 * of the shipped numbers (test/deploy/sizing.ts re-exports it, the manifests are checked against it).
 */

/** GPU cost per clip in GPU-seconds per token at a sustained rate, and the per-request time under load. */
export interface Coefficients {
  /** What these numbers are and where they come from (printed with every derivation). */
  readonly label: string;
  /** GPU µs per uncached prompt token (prefill, vision encoder included). */
  readonly prefillUsPerToken: number;
  /** GPU ms per output token at a sustained rate (decode, shared by the batch). */
  readonly decodeMsPerToken: number;
  /** Uncached prompt tokens per clip (the query clip + its text; the few-shot prefix is cached). */
  readonly uncachedTokens: number;
  /** Output tokens per verdict (end-of-turn included). */
  readonly outputTokens: number;
  /** Seconds one request takes at the operating point (queueing in the batch included). */
  readonly serviceSeconds: number;
}

/**
 * Coefficients "C" of the 2026-12 upstream audit (§6.2), the conservative set the shipped
 * defaults rest on:
 * - prefill 24.8 µs per input token and decode 1.08 ms per output token, derived from NVIDIA VSS's
 *   published RT-VLM benchmark (Cosmos-Reason2-8B, a Qwen3-VL-8B derivative, FP8, vLLM, 1× H100:
 *   51 streams at OSL 1 and 33 at OSL 100 with 7,896-token chunks; NVIDIA-AI-Blueprints/
 *   video-search-and-summarization docs/performance-rt-vlm.mdx). Its decode figure is measured
 *   next to 8k-token prefills, so it is pessimistic for our 665-token queries;
 * - 665 uncached tokens and 23 output tokens: measured with the Qwen3 tokenizer on the real
 *   request (`npx tsx tools/tokens/prompt-tokens.ts`, BENCHMARKS.md): the mean of the committed
 *   example answers, 5 of 6 with hazards, so pessimistic for a site where most clips are safe (11);
 * - 1.3 s per request: VSS's 1.10–1.33 s per chunk at 10–20 streams (7,896 uncached tokens each);
 *   the bf16 vLLM sweep (tgarg01/silybench-data, Qwen3-8B on 1× H100) gives TTFT p95 0.27 s and
 *   13.3 ms per output token at 32 in flight, ≈ 0.6 s for our request, so 1.3 s is an upper estimate.
 */
export const SOURCED_C: Coefficients = {
  label: 'sourced conservative coefficients "C" (audit 2026-12 §6.2; not measured on a GPU here)',
  prefillUsPerToken: 24.8,
  decodeMsPerToken: 1.08,
  uncachedTokens: 665,
  outputTokens: 23,
  serviceSeconds: 1.3,
};

/** The operator's requirements and the measured non-GPU times. */
export interface Requirements {
  /** Cameras to serve. */
  readonly cameras: number;
  /** One clip per camera every this many seconds (SEGMENT_SECONDS). */
  readonly clipSeconds: number;
  /** A verdict at most this long after its clip closes (an ASSUMED requirement, 10 s). */
  readonly verdictBudgetSeconds: number;
  /** Claim, prepare (capture-made model clip: 16–49 CPU-ms measured) and publish, with margin. */
  readonly prepareSeconds: number;
  /** Spare GPU pods above the need, so a backlog drains and one node may fail. */
  readonly spareReplicas: number;
  /** Minimum replicas (1: one warm pod keeps the few-shot prefix in vLLM's KV cache). */
  readonly minReplicas: number;
}

export const DEFAULT_REQUIREMENTS: Omit<Requirements, 'cameras'> = {
  clipSeconds: 5,
  verdictBudgetSeconds: 10,
  prepareSeconds: 1,
  spareReplicas: 1,
  minReplicas: 1,
};

/** What `npm run size` sets, with the reason for each number. */
export interface Sizing {
  /** Clips per second one GPU pod sustains. */
  readonly mu: number;
  readonly serviceSeconds: number;
  readonly camerasPerGpu: number;
  /** INFERENCE_LATENCY_BUDGET_MS: the service time + 1 s (the adaptive loop stops growing past it). */
  readonly latencyBudgetMs: number;
  /** KEDA queued-trigger listLength = μ × wait budget. */
  readonly listLength: number;
  /** KEDA in-flight-trigger listLength = μ × (service + preparation). */
  readonly inFlightLength: number;
  readonly minReplicas: number;
  /** maxReplicaCount = ⌈demand / μ⌉ + spare. */
  readonly maxReplicas: number;
  /** One line per derivation, for the operator. */
  readonly explain: readonly string[];
}

/** μ from coefficients: one GPU's clips/s = 1 / (uncached × prefill + output × decode). */
export function muFromCoefficients(c: Coefficients): number {
  return 1 / ((c.uncachedTokens * c.prefillUsPerToken) / 1e6 + (c.outputTokens * c.decodeMsPerToken) / 1e3);
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

/** The settings for `req.cameras` cameras on GPUs that sustain `mu` clips/s at `serviceSeconds` per request. */
export function deriveSizing(mu: number, serviceSeconds: number, req: Requirements, source: string): Sizing {
  if (!(mu > 0) || !(serviceSeconds > 0)) throw new Error('μ and the service time must be > 0');
  const waitSeconds = req.verdictBudgetSeconds - serviceSeconds - req.prepareSeconds;
  if (waitSeconds <= 0)
    throw new Error(
      `a request takes ${serviceSeconds} s + ${req.prepareSeconds} s preparation: no queue wait fits a ${req.verdictBudgetSeconds} s verdict budget`,
    );
  const demand = req.cameras / req.clipSeconds;
  const camerasPerGpu = Math.floor(mu * req.clipSeconds);
  const listLength = Math.max(1, Math.round(mu * waitSeconds));
  const inFlightLength = Math.max(1, Math.round(mu * (serviceSeconds + req.prepareSeconds)));
  const needed = Math.ceil(demand / mu);
  const maxReplicas = Math.max(req.minReplicas, 1, needed + req.spareReplicas);
  const latencyBudgetMs = Math.round((serviceSeconds + 1) * 1000);
  const explain = [
    `source: ${source}`,
    `μ = ${r1(mu)} clips/s per GPU pod; cameras per GPU = ⌊μ × ${req.clipSeconds} s clip⌋ = ${camerasPerGpu}`,
    `demand = ${req.cameras} cameras ÷ ${req.clipSeconds} s = ${r1(demand)} clips/s → ⌈${r1(demand)} / ${r1(mu)}⌉ = ${needed} GPU pod(s) busy`,
    `maxReplicaCount = ${needed} + ${req.spareReplicas} spare (a backlog drains, a node may fail) = ${maxReplicas}; minReplicaCount ${req.minReplicas}`,
    `queue wait budget W = ${req.verdictBudgetSeconds} s verdict − ${r2(serviceSeconds)} s service − ${req.prepareSeconds} s preparation = ${r1(waitSeconds)} s`,
    `listLength (queued) = μ × W = ${r1(mu)} × ${r1(waitSeconds)} = ${listLength}: N pods drain N × ${listLength} clips in W`,
    `in-flight listLength = μ × (service + preparation) = ${r1(mu)} × ${r1(serviceSeconds + req.prepareSeconds)} = ${inFlightLength} (Little's law: what one pod holds at its rate)`,
    `INFERENCE_LATENCY_BUDGET_MS = (service ${r2(serviceSeconds)} s + 1 s) = ${latencyBudgetMs}: the adaptive loop stops growing once a request is slower than the GPU at its rate`,
  ];
  return {
    mu,
    serviceSeconds,
    camerasPerGpu,
    latencyBudgetMs,
    listLength,
    inFlightLength,
    minReplicas: req.minReplicas,
    maxReplicas,
    explain,
  };
}

/** Cameras per GPU when the unchanged-scene gate skips a fraction `skip` of clips: base / (1 − skip). */
export function camerasWithGate(camerasPerGpu: number, skip: number): number {
  if (!(skip >= 0 && skip < 1)) throw new Error('the skip fraction must be in [0, 1)');
  return Math.floor(camerasPerGpu / (1 - skip));
}
