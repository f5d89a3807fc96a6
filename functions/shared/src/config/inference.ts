import { z } from 'zod';
import { boolVar, envVar, int, num, optional, type Section } from './define';

/** Variables owned by inference (preparer, vLLM client, prompt, incident engine). */
export const inference = {
  concurrency: envVar('INFERENCE_CONCURRENCY', {
    schema: optional(int(1, 256)),
    expected: 'an integer 1–256',
    doc: 'fixed override of the requests in flight to vLLM per pod; unset = adaptive (AIMD on latency and vllm:num_requests_waiting, 1..INFERENCE_MAX_CONCURRENCY)',
  }),
  maxConcurrency: envVar('INFERENCE_MAX_CONCURRENCY', {
    schema: int(1, 1024),
    default: '64',
    expected: 'an integer 1–1024',
    doc: 'upper bound of the adaptive concurrency',
  }),
  latencyBudgetMs: envVar('INFERENCE_LATENCY_BUDGET_MS', {
    schema: int(100, 600000),
    default: '2300',
    expected: 'milliseconds, 100–600000',
    doc: 'adaptive concurrency shrinks when one model request takes longer than this (the server is saturated); 2.3 s = the sourced 1.3 s GPU service time + 1 s margin, so a pod stops growing instead of hoarding clips other pods could take (docs/deploy.md §6, `npm run size` sets it from a measurement); raise it when an unloaded request already takes longer',
  }),
  serverMetricsIntervalMs: envVar('VLLM_METRICS_INTERVAL_MS', {
    schema: int(100, 60000),
    default: '1000',
    expected: 'milliseconds, 100–60000',
    doc: 'how often the server’s /metrics is polled for vllm:num_requests_waiting (adaptive concurrency)',
  }),
  prepareWorkers: envVar('PREPARE_WORKERS', {
    schema: optional(int(1, 256)),
    expected: 'an integer 1–256',
    doc: 'preparer lanes claiming and preparing at once (each spawns at most one ffmpeg); default the pod’s CPUs (os.availableParallelism())',
  }),
  prepareAhead: envVar('PREPARE_AHEAD', {
    schema: optional(int(1, 1024)),
    expected: 'an integer 1–1024',
    doc: 'fixed bound on clips claimed and prepared ahead of a model slot; default the current concurrency limit (queued clips stay in Redis, visible to KEDA)',
  }),
  unchangedGate: boolVar('UNCHANGED_GATE', {
    default: 'true',
    doc: 'skip the model for a clip whose thumbnails barely differ from the last judged clip of its camera (only after a recent safe verdict, no open incident); stored safe with skipped: "unchanged"',
  }),
  unchangedThreshold: envVar('UNCHANGED_THRESHOLD', {
    schema: num(0, 255),
    // measured 2026-12-02 (npx tsx tools/gate/measure-unchanged.ts static_floor safe no_hard_hat
    // restricted_zone_intrusion person_fall fire forklift_pedestrian_proximity): the largest pixel
    // change between consecutive clips of the static scene is 0–1; every hazard entering it, and
    // every busy scene, changes some pixel by 19–75. 8 sits well above codec noise and far below those.
    default: '8',
    expected: 'gray levels, 0–255',
    doc: 'the unchanged-scene gate: a clip counts as unchanged only when no pixel of its thumbnails (32×18 gray) changed by more than this from the last judged clip of the camera (measured: static scene 0–1, hazards entering 19–75)',
  }),
  unchangedMaxSkipSeconds: envVar('UNCHANGED_MAX_SKIP_SECONDS', {
    schema: int(0, 3600),
    default: '60',
    expected: 'seconds, 0–3600',
    doc: 'the gate never skips once the last judged clip of the camera is older than this (skips never chain past it)',
  }),
  fewShotByReference: boolVar('FEWSHOT_BY_REFERENCE', {
    default: 'true',
    doc: 'after one request with the few-shot media, send it as uuid-only parts vLLM takes from its processor cache (≥ 0.11.0); a miss (400) is resent whole once and counted in safetyhanta_inference_fewshot_resends_total (issue #27.4)',
  }),
  videoInput: envVar('VIDEO_INPUT', {
    schema: z.enum(['video-frames', 'video-file', 'images']),
    default: 'video-frames',
    expected: 'video-frames|video-file|images',
    doc: 'how a clip is sent: the sampled model clip as inline data:video/mp4, a zero-copy file:// URL of the model clip, or one JPEG image per frame (any OpenAI-compatible server)',
  }),
  videoSampling: envVar('VIDEO_SAMPLING', {
    schema: z.enum(['fps', 'keyframes']),
    default: 'fps',
    expected: 'fps|keyframes',
    doc: 'decode every frame and sample at VIDEO_FPS, or keyframes only (~4.7× cheaper, 1 fps with a 1 s GOP); also read by capture for the model clip (MODEL_CLIP)',
  }),
  videoFps: envVar('VIDEO_FPS', {
    schema: num(0.1, 30),
    default: '2',
    expected: 'frames per second, 0.1–30',
    doc: 'sampling rate = frame rate of the model clip (video modes) or of the JPEG frames (images)',
  }),
  videoMaxSide: envVar('VIDEO_MAX_SIDE', {
    schema: int(64, 4096),
    default: '448',
    expected: 'pixels, 64–4096',
    doc: 'long side of sampled frames',
  }),
  fewshotDir: envVar('FEWSHOT_DIR', {
    schema: z.string().min(1),
    default: 'functions/inference/fewshot',
    expected: 'a directory path',
    doc: 'few-shot examples (clip + expected verdict + camera context)',
  }),
  camerasFile: envVar('CAMERAS_FILE', {
    schema: optional(z.string().min(1)),
    expected: 'a JSON file path',
    doc: 'per-camera context (site, required PPE, zones); unset = built-in defaults',
  }),
  verdictLanguage: envVar('VERDICT_LANGUAGE', {
    schema: z.enum(['ko', 'en']),
    default: 'ko',
    expected: 'ko|en',
    doc: 'language of verdict summaries',
  }),
  requestTimeoutMs: envVar('VLLM_TIMEOUT_MS', {
    schema: int(1000, 600000),
    default: '60000',
    expected: 'milliseconds, 1000–600000',
    doc: 'timeout of one vLLM request',
  }),
  maxRetries: envVar('VLLM_MAX_RETRIES', {
    schema: int(0, 20),
    default: '3',
    expected: 'an integer 0–20',
    doc: 'retries for timeouts, 408, 429 and 5xx (jittered backoff)',
  }),
  apiKey: envVar('VLLM_API_KEY', {
    schema: optional(z.string().min(1)),
    expected: 'a token',
    doc: 'bearer token for the server (vLLM --api-key, hosted APIs); from a Secret',
  }),
  confirmK: envVar('INCIDENT_CONFIRM_K', {
    schema: int(1, 100),
    default: '2',
    expected: 'an integer',
    doc: 'a warning hazard raises when seen in k …',
  }),
  confirmN: envVar('INCIDENT_CONFIRM_N', {
    schema: int(1, 100),
    default: '3',
    expected: 'an integer ≥ k',
    doc: '… of the last n clips of a camera',
  }),
  resolveAfter: envVar('INCIDENT_RESOLVE_CLEAN', {
    schema: int(1, 1000),
    default: '3',
    expected: 'an integer',
    doc: 'clean clips that resolve an open incident',
  }),
  cooldownSeconds: envVar('INCIDENT_COOLDOWN_SECONDS', {
    schema: int(0),
    default: '60',
    expected: 'an integer number of seconds',
    doc: 'per camera and hazard: no new alert this soon after one resolved',
  }),
  pullLoop: boolVar('INFERENCE_PULL', {
    default: 'true',
    doc: 'pull jobs from the Redis queue (KEDA-scaled); false = only the pushed `clip.captured` CloudEvents',
  }),
  pipeline: envVar('INFERENCE_PIPELINE', {
    schema: z.enum(['thread', 'sequential']),
    default: 'thread',
    expected: 'thread|sequential',
    doc: 'preparer in a worker thread overlapping the model requests, or one job at a time in the main thread (baseline for benchmarks)',
  }),
  healthIntervalMs: envVar('VLLM_HEALTH_INTERVAL_MS', {
    schema: int(100, 60000),
    default: '1000',
    expected: 'milliseconds, 100–60000',
    doc: 'how often vLLM `/health` is polled while it is down (jobs wait meanwhile)',
  }),
  maxTokens: envVar('VLLM_MAX_TOKENS', {
    schema: int(16, 8192),
    default: '512',
    expected: 'an integer 16–8192',
    doc: 'max_tokens of one verdict answer',
  }),
  markerTtlDays: envVar('VERDICT_MARKER_TTL_DAYS', {
    schema: int(1, 3650),
    default: '35',
    expected: 'an integer number of days, 1–3650',
    doc: 'life of the `verdicts:done:<job>` marker of a non-safe clip; keep it above INCIDENT_RETENTION_DAYS (capture deletes a clip only once its marker exists)',
  }),
  safeMarkerTtlHours: envVar('VERDICT_SAFE_MARKER_TTL_HOURS', {
    schema: int(1, 87600),
    default: '48',
    expected: 'an integer number of hours',
    doc: 'life of the marker of a safe clip; keep it well above CLIP_RETENTION_SECONDS',
  }),
  replayTtlSeconds: envVar('VERDICT_REPLAY_TTL_SECONDS', {
    schema: int(60, 604800),
    default: '3600',
    expected: 'seconds, 60–604800',
    doc: 'how long a committed job’s events are kept for re-publishing after a crash between commit and ack',
  }),
  maxClipSeconds: envVar('CLIP_MAX_SECONDS', {
    deprecatedNames: ['MAX_CLIP_SECONDS'],
    schema: optional(int(1, 86400)),
    expected: 'seconds, 1–86400',
    doc: 'longest clip inference decodes; longer ones are dead-lettered before any decode, and no decode reads past it; default 3 × SEGMENT_SECONDS',
  }),
  pushConcurrency: envVar('INFERENCE_PUSH_CONCURRENCY', {
    schema: optional(int(1, 256)),
    expected: 'an integer 1–256',
    doc: 'pushed `clip.captured` events processed at once; past it the push path answers 503 (retry later); default INFERENCE_CONCURRENCY, or 4 when adaptive',
  }),
} satisfies Section;

/**
 * The checks that span variables (a single variable's form is checked by its schema), run by
 * `startInference` only: another part with the same environment needs neither a vLLM URL nor a
 * sane incident window.
 * @returns one message per problem, naming the variables; empty when inference can start
 */
export function inferenceStartProblems(config: {
  readonly common: { readonly vllmBaseUrl?: string | undefined };
  readonly inference: { readonly confirmK: number; readonly confirmN: number };
}): string[] {
  const { confirmK, confirmN } = config.inference;
  const problems: string[] = [];
  if (confirmN < confirmK)
    problems.push(`INCIDENT_CONFIRM_N=${confirmN} is smaller than INCIDENT_CONFIRM_K=${confirmK}: expected N ≥ K`);
  if (!config.common.vllmBaseUrl)
    problems.push('VLLM_BASE_URL is not set: inference needs an OpenAI-compatible server (vLLM, or vllm-sim locally)');
  return problems;
}
