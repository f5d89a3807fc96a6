import type { Zone } from '../../../shared/src/camera-registry/schema';
import { contextFor, type CameraContext, type CamerasFile } from './camera-context';
import { byReference, type MediaMode, type PreparedMedia } from './media';
import {
  buildFinalTurn,
  buildPrefix,
  buildRequestBody,
  mmProcessorKwargs,
  prefixHash,
  type ChatMessage,
  type FewShotExample,
  type VerdictLanguage,
} from './prompt';

export interface PromptKitOptions {
  examples: readonly FewShotExample[];
  cameras: CamerasFile | undefined;
  /**
   * The camera's current context (the registry, per clip); falls back to `cameras` when absent.
   * `drawn`: the zones drawn into this clip's media, described instead of the registry's (issue #26.9).
   */
  contextOf?: (cameraId: string, drawn?: readonly Zone[]) => CameraContext;
  mode: MediaMode;
  language: VerdictLanguage;
  /** Rate of the model clips (VIDEO_FPS, or 1 for keyframes sampling): sent as mm_processor_kwargs.fps. */
  fps: number;
  model: string;
  maxTokens: number;
}

/** How the few-shot media goes: inline (`full`), or as uuid-only references to vLLM's processor cache (`ref`, issue #27.4). */
export type FewShotForm = 'full' | 'ref';

/** The prompt, built once at start-up: the cached prefix is the same object (and bytes) for every request. */
export interface PromptKit {
  readonly prefix: readonly ChatMessage[];
  /** The prefix with every few-shot media part as a uuid-only reference (same text, same uuids). */
  readonly refPrefix: readonly ChatMessage[];
  /** sha256 of the prefix as sent (logged at start-up, compared across pods by the tests). */
  readonly prefixHash: string;
  readonly language: VerdictLanguage;
  /**
   * `drawn`: the zones drawn into `media` (prepare.ts), so the text says what the frames show.
   * `fewShot`: the few-shot media inline (`full`, default) or as uuid references (`ref`, issue #27.4).
   */
  body(cameraId: string, media: PreparedMedia, drawn?: readonly Zone[], fewShot?: FewShotForm): Record<string, unknown>;
}

/** Builds the prefix once (few-shot media already loaded) and returns the per-clip request builder. */
export function createPromptKit(o: PromptKitOptions): PromptKit {
  const prefix = buildPrefix(o.examples, o.mode, o.language);
  const refPrefix = prefix.map((m) =>
    m.role === 'user' && Array.isArray(m.content) ? { ...m, content: byReference(m.content) } : m,
  );
  const mmKwargs = mmProcessorKwargs(o.mode, o.fps);
  const opts = { model: o.model, maxTokens: o.maxTokens, mmKwargs };
  const body = (cameraId: string, media: PreparedMedia, drawn?: readonly Zone[], fewShot: FewShotForm = 'full') =>
    buildRequestBody(
      fewShot === 'ref' ? refPrefix : prefix,
      buildFinalTurn(cameraId, o.contextOf?.(cameraId, drawn) ?? contextFor(cameraId, o.cameras), media),
      opts,
    );
  const sample = body('x', { kind: 'file', url: 'file:///x', fps: o.fps, frames: 1 }) as { messages: unknown[] };
  return { prefix, refPrefix, prefixHash: prefixHash(sample), language: o.language, body };
}
