/**
 * Which vLLM behaviours depend on the version vllm-sim models (VLLM_SIM_VLLM_VERSION). Each
 * entry names its upstream source; simulator/vllm/README.md has the table.
 */

/** The version the manifests pin (knative/, keda/): vllm-sim's default. */
export const PINNED_VLLM_VERSION = '0.12.0';

/**
 * First release with vllm-project/vllm#37301 (`VideoMediaIO.load_base64` returns metadata for
 * `video/jpeg`, fps from media_io_kwargs, default 1). Merged as 918b7890a on 2026-03-18, after the
 * v0.18.0 branch cut (2dccb38f7, 2026-03-16): absent from v0.18.0 and v0.18.1, first in v0.19.0
 * (`git merge-base --is-ancestor`, audit 2026-12 W1).
 */
export const JPEG_VIDEO_METADATA_SINCE = '0.19.0';

/**
 * From here a TypeError raised while preprocessing a request is answered 400, not 500
 * (vllm/entrypoints/utils.py:321 at v0.18.0; audit 2026-12 W8: 500 on ≤ 0.12, 400 on 0.13–0.18).
 */
export const TYPE_ERROR_IS_400_SINCE = '0.13.0';

/**
 * From here the OpenCV loader drops broken/unreadable frames with a warning instead of failing with
 * "Expected reading N frames, but only loaded M" (vllm#29001 "Handle broken frames", #29150 "Remove
 * the legacy assertion"; the assertion exists in v0.11.0–v0.11.2 only; audit 2026-12 W5).
 */
export const BROKEN_FRAMES_DROPPED_SINCE = '0.12.0';

/**
 * From here a media part may carry only its `uuid` (a processor-cache hit, else 400): vllm PR #23950
 * "Allow skipping media data when UUIDs are provided" (commit 7f2ea7074), first in v0.11.0
 * (`git tag --contains`); core/processor-cache.ts.
 */
export const UUID_ONLY_PARTS_SINCE = '0.11.0';

/** `0.12.0` → [0, 12, 0]; throws on anything else. */
export function parseVersion(v: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(v.trim());
  if (!m) throw new Error(`invalid vLLM version "${v}" (expected e.g. 0.12.0)`);
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** a ≥ b */
export function versionAtLeast(a: string, b: string): boolean {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] as number) > (y[i] as number);
  return true;
}

/** Qwen3-VL's processor builds `VideoMetadata(**metadata)` and needs `total_num_frames` (vllm/model_executor/models/qwen3_vl.py). */
export function needsVideoMetadata(model: string): boolean {
  return /qwen3[-_.]?vl/i.test(model);
}

/** What vLLM ≤ 0.12 answers for a Qwen3-VL `data:video/jpeg` video (QwenLM/Qwen3-VL#1762, vllm-project/vllm#30129). */
export const JPEG_VIDEO_METADATA_ERROR =
  "VideoMetadata.__init__() missing 1 required positional argument: 'total_num_frames'";
