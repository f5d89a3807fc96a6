import { createHash } from 'node:crypto';
import { HAZARD_TYPES, type HazardType, type ModelVerdict } from '../../../shared/src/verdict';
import { NOTE_MAX_CHARS, TERSE_VERDICT_JSON_SCHEMA, terseOf } from '../../../shared/src/verdict-terse';
import { renderContext, type CameraContext } from './camera-context';
import { mediaParts, type ContentPart, type MediaMode, type PreparedMedia } from './media';

export type VerdictLanguage = 'ko' | 'en';

/** One few-shot example: a clip, the camera it is from, and the verdict it should get. */
export interface FewShotExample {
  name: string;
  cameraId: string;
  context: CameraContext;
  /** The example as a model clip (`mp4`, sent in video-frames and video-file modes). */
  media: PreparedMedia;
  /** The same example as JPEG frames (`frames`, sent in images mode). */
  imageMedia: PreparedMedia;
  /** Expected answer per language (from the scene's ground truth, see tools/fewshot/make-fewshot.ts). */
  answers: Record<VerdictLanguage, ModelVerdict>;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: ContentPart[] }
  | { role: 'assistant'; content: string };

const HAZARD_HELP: Record<HazardType, string> = {
  no_hard_hat: 'a person without a hard hat where one is required',
  no_safety_vest: 'a person without a hi-vis safety vest where one is required',
  restricted_zone_intrusion: 'a person inside a restricted zone',
  person_fall: 'a person fallen or lying on the floor',
  fire: 'open flames',
  smoke: 'smoke without visible flames',
  forklift_pedestrian_proximity: 'a forklift dangerously close to a pedestrian',
  unsafe_posture: 'unsafe lifting or working posture',
  blocked_exit: 'an emergency exit or escape route blocked',
  spill: 'a liquid spill on the floor',
  other: 'any other clear safety hazard (describe it)',
};

/** The system prompt: taxonomy, answer format, language. Fixed text: it starts the cached prefix. */
export function systemPrompt(language: VerdictLanguage): string {
  const lang = language === 'ko' ? 'Korean (한국어)' : 'English';
  return [
    'You are an industrial safety monitor. You watch short CCTV clips from a plant floor and report safety hazards.',
    'Hazard types (use exactly these names):',
    ...HAZARD_TYPES.map((t) => `- ${t}: ${HAZARD_HELP[t]}`),
    'Status: "safe" when there is no hazard (then hazards is empty); "danger" when any hazard is person_fall or fire; otherwise "warning".',
    'Report each hazard type once, with your confidence from 0 to 1.',
    `Add a "description" (at most ${NOTE_MAX_CHARS} characters, in ${lang}) only when it says more than the type, such as which zone or how many people.`,
    'Answer with one compact JSON object only, matching the schema: {"status","hazards":[{"type","confidence"}]}.',
  ].join('\n');
}

/**
 * A verdict as the assistant turn of an example, in the terse answer form the model is asked for
 * (shared/src/verdict-terse.ts): fixed key order, compact, so the bytes never vary.
 */
export function canonicalVerdict(v: ModelVerdict): string {
  const t = terseOf(v);
  return JSON.stringify({
    status: t.status,
    hazards: t.hazards.map((h) => ({ type: h.type, confidence: h.confidence })),
  });
}

/**
 * Everything before the final user turn: system prompt, then each example as user (clip +
 * camera context) and assistant (expected JSON), in the given (sorted) order.
 */
export function buildPrefix(
  examples: readonly FewShotExample[],
  mode: MediaMode,
  language: VerdictLanguage,
): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: systemPrompt(language) }];
  for (const ex of examples) {
    messages.push({
      role: 'user',
      content: [
        ...mediaParts(mode === 'images' ? ex.imageMedia : ex.media),
        { type: 'text', text: renderContext(ex.cameraId, ex.context) },
      ],
    });
    messages.push({ role: 'assistant', content: canonicalVerdict(ex.answers[language]) });
  }
  return messages;
}

/** The final user turn: the clip under analysis and its camera's context. */
export function buildFinalTurn(cameraId: string, context: CameraContext, media: PreparedMedia): ChatMessage {
  return { role: 'user', content: [...mediaParts(media), { type: 'text', text: renderContext(cameraId, context) }] };
}

/**
 * Per-request processor kwargs: constant for a configuration, because they enter every media
 * item's hash (a change would miss the cache). `images` sends none: plain OpenAI-compatible
 * servers reject unknown fields. For videos, `do_sample_frames: false`: our model clips are
 * already sampled (CFR at `fps`), and upstream asks for false with presampled videos ("make sure
 * that do_sample_frames in mm_kwargs is false for presampled videos", vLLM v0.12.0
 * qwen3_vl.py:908-911). Qwen3-VL then keeps every decoded frame and stamps it from the loader's
 * own indices and fps (`_get_video_second_idx`, :726-763): the same timestamps as sampling a clean
 * clip, but immune to a header that says 2.02 fps (sampling would keep `int(10 / 2.02 × 2)` = 9
 * frames) and to a broken frame, which v0.12.0 drops (vllm#29001) and sampling would then index
 * past (IndexError → 500). `fps` is unused by the processor then; it stays, as the rate of the
 * clip, for servers that sample anyway (audit 2026-12 §3; vllm-sim reproduces all three cases).
 */
export function mmProcessorKwargs(mode: MediaMode, fps: number): Record<string, unknown> | undefined {
  if (mode === 'images') return undefined;
  return { fps, do_sample_frames: false };
}

export interface RequestOptions {
  model: string;
  maxTokens: number;
  mmKwargs: Record<string, unknown> | undefined;
}

/** The chat-completions body: temperature 0 and the terse answer's JSON schema as `response_format` (rendered to §3.6 on return). */
export function buildRequestBody(
  prefix: readonly ChatMessage[],
  final: ChatMessage,
  opts: RequestOptions,
): Record<string, unknown> {
  return {
    model: opts.model,
    messages: [...prefix, final],
    temperature: 0,
    max_tokens: opts.maxTokens,
    response_format: {
      type: 'json_schema',
      json_schema: { name: 'safety_verdict', schema: TERSE_VERDICT_JSON_SCHEMA, strict: true },
    },
    ...(opts.mmKwargs ? { mm_processor_kwargs: opts.mmKwargs } : {}),
  };
}

/** sha256 of a request's prefix (messages before the final one, plus the fields that enter media hashes). */
export function prefixHash(body: {
  messages: readonly unknown[];
  mm_processor_kwargs?: unknown;
  model?: unknown;
}): string {
  const prefix = JSON.stringify([body.model, body.mm_processor_kwargs ?? null, body.messages.slice(0, -1)]);
  return createHash('sha256').update(prefix).digest('hex');
}
