import { z } from 'zod';
import { boolVar, envVar, int, num, optional, type Section } from './define';

/**
 * Variables owned by vllm-sim (a simulator of the vLLM model server, not a safety model).
 * Latency defaults are estimates for Qwen3-VL-8B (bf16) on one H100-class GPU; see
 * simulator/vllm/README.md "Latency model" for where each number comes from.
 */
export const vllmSim = {
  port: envVar('VLLM_SIM_PORT', {
    schema: int(0, 65535),
    default: '8000',
    expected: 'a TCP port 0–65535 (0 = any free port)',
    doc: 'port vllm-sim listens on',
  }),
  host: envVar('VLLM_SIM_HOST', {
    schema: z.string().min(1),
    default: '127.0.0.1',
    expected: 'a host/interface address',
    doc: 'interface vllm-sim binds (0.0.0.0 in a container)',
  }),
  allowedMediaPath: envVar('VLLM_SIM_ALLOWED_MEDIA_PATH', {
    schema: optional(z.string().min(1)),
    expected: 'an absolute directory path',
    doc: 'like vLLM `--allowed-local-media-path`: file:// media must resolve (after symlinks) inside it; unset = file:// is refused',
  }),
  prefillUsPerToken: envVar('VLLM_SIM_PREFILL_US_PER_TOKEN', {
    schema: num(0, 1e6),
    default: '250',
    expected: 'microseconds ≥ 0',
    doc: 'prefill time per UNCACHED prompt token (incl. vision encoder); prefills run one at a time, like one GPU',
  }),
  decodeMsPerToken: envVar('VLLM_SIM_DECODE_MS_PER_TOKEN', {
    schema: num(0, 1e4),
    default: '10',
    expected: 'milliseconds ≥ 0',
    doc: 'decode time per output token (per request; running requests decode in parallel)',
  }),
  overheadMs: envVar('VLLM_SIM_OVERHEAD_MS', {
    schema: num(0, 1e5),
    default: '15',
    expected: 'milliseconds ≥ 0',
    doc: 'fixed per-request cost (HTTP, media loading, scheduling)',
  }),
  maxBatch: envVar('VLLM_SIM_MAX_BATCH', {
    schema: int(1, 4096),
    default: '32',
    expected: 'an integer 1–4096',
    doc: 'requests running at once (vLLM --max-num-seqs); the rest wait in a FIFO queue',
  }),
  capacityRps: envVar('VLLM_SIM_CAPACITY_RPS', {
    schema: num(0, 1e5),
    default: '0',
    expected: 'requests per second ≥ 0 (0 = off)',
    doc: 'a GPU of exact capacity: running requests share it (each needs 1/C s of it, so latency = max(token latency, running/C)); 0 = prefills serialise per token (see simulator/vllm/README.md "Capacity model")',
  }),
  cacheBlocks: envVar('VLLM_SIM_CACHE_BLOCKS', {
    schema: int(0, 10_000_000),
    default: '20000',
    expected: 'an integer ≥ 0 (0 = prefix caching off)',
    doc: 'prefix-cache capacity in 16-token blocks (LRU); 20000 blocks = 320k tokens ≈ 44 GiB of KV for the 8B model',
  }),
  promptTokensDetails: boolVar('VLLM_SIM_PROMPT_TOKENS_DETAILS', {
    default: 'true',
    doc: 'report usage.prompt_tokens_details.cached_tokens (vLLM --enable-prompt-tokens-details)',
  }),
  vllmVersion: envVar('VLLM_SIM_VLLM_VERSION', {
    schema: z.string().regex(/^\d+\.\d+(\.\d+)?$/),
    default: '0.12.0',
    expected: 'a vLLM version such as 0.12.0',
    doc: 'the vLLM version whose version-specific behaviour vllm-sim reproduces (default: the version the manifests pin); see simulator/vllm/README.md',
  }),
  analysis: boolVar('VLLM_SIM_ANALYSIS', {
    default: 'true',
    doc: 'look at the clip’s pixels (true) or answer a fixed safe verdict without decoding (false: capacity benchmarks)',
  }),
  mmProcessorCacheGb: envVar('VLLM_SIM_MM_PROCESSOR_CACHE_GB', {
    schema: num(0, 1024),
    default: '4',
    expected: 'GiB, a number ≥ 0 (0 = no processor cache)',
    doc: 'vLLM `--mm-processor-cache-gb`: the LRU (by size) of processed media a part with a `uuid` and no media must hit, else 400 (issue #27.4; simulator/vllm/src/core/processor-cache.ts)',
  }),
  decoder: envVar('VLLM_SIM_DECODER', {
    schema: z.enum(['node-av', 'ffmpeg']),
    default: 'node-av',
    expected: 'node-av|ffmpeg',
    doc: 'how video clips are decoded: in-process with node-av (FFmpeg 8 libraries), or one ffmpeg child per request (≈0.09 CPU-s spawn cost each)',
  }),
} satisfies Section;
