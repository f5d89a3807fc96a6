/**
 * The sizing derivation of docs/deploy.md §6, for the tests that check the manifests' KEDA numbers:
 * the shipped defaults are `npm run size` on the sourced conservative coefficients (single source:
 * scripts/size/derive.ts).
 */
import { DEFAULT_REQUIREMENTS, SOURCED_C, deriveSizing, muFromCoefficients } from '../../scripts/size/derive';

/** Uncached tokens of the default input (448×252, 2 fps, 5 s clip + its text; the few-shot prefix is cached). */
export const CLIP_TOKENS = SOURCED_C.uncachedTokens;
/** Per-pod throughput μ (clips/s): the GPU's rate; the preparer and the adaptive concurrency do not bind (measured). */
export const MU = muFromCoefficients(SOURCED_C);
/** Per-request service time under batching (sourced, conservative). */
export const SERVICE_SECONDS = SOURCED_C.serviceSeconds;
/** Preparation and publishing, with margin. */
export const PREPARE_SECONDS = DEFAULT_REQUIREMENTS.prepareSeconds;
/** Verdict latency requirement after a clip closes (ASSUMED). */
export const VERDICT_BUDGET_SECONDS = DEFAULT_REQUIREMENTS.verdictBudgetSeconds;
/**
 * Capture per camera with the model clip on: the costliest measured profile (720p HEVC 2 Mbps,
 * 8.15 % of a core; 1080p H.264 4 Mbps 6.07 %, RSS ≤ 85.6 MiB; `npm run bench -- capture-cost`,
 * BENCHMARKS.md), rounded up; plus capture's node process.
 */
export const CAPTURE_MILLICORES_PER_CAMERA = 90;
export const CAPTURE_MIB_PER_CAMERA = 85;
export const CAPTURE_NODE_MILLICORES = 50;
export const CAPTURE_NODE_MIB = 128;

/** The manifests' camera count: 8 replicas = 7 busy + 1 spare. */
export const SHIPPED_CAMERAS = 800;
/** What the manifests ship. */
export const SHIPPED = deriveSizing(
  MU,
  SERVICE_SECONDS,
  { ...DEFAULT_REQUIREMENTS, cameras: SHIPPED_CAMERAS },
  SOURCED_C.label,
);
