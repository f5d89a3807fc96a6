import { randomUUID } from 'node:crypto';
import { brokenAnswer, type Faults } from './core/faults';
import { analyzeClip } from './core/detector';
import { SimHttpError } from './core/errors';
import type { Frame } from './core/frame';
import { renderAnswer, truncateAnswer } from './core/answer';
import type { PrefixCache } from './core/prefix-cache';
import type { ChatRequest } from './core/request';
import { tokenize, type Segment } from './core/tokens';
import { countTokens } from './core/qwen-tokenizer';
import { buildVerdict, detectLanguage } from './core/verdict';
import type { MediaLoader } from './adapters/media';
import type { SimMetrics } from './adapters/metrics';
import type { Scheduler } from './scheduler';

/** What one completion needs from the server around it. */
export interface EngineDeps {
  readonly model: string;
  readonly media: MediaLoader;
  readonly cache: PrefixCache;
  readonly scheduler: Scheduler;
  readonly metrics: SimMetrics;
  readonly faults: () => Faults;
  /** Consumes one schema-breaking answer if the fault is armed; returns its index or undefined. */
  readonly takeBreak: () => number | undefined;
  readonly promptTokensDetails: boolean;
  /** The vLLM version modelled (GET /version answers it, as vLLM answers its own). */
  readonly vllmVersion: string;
}

/** The OpenAI chat.completion object vLLM returns (the fields clients read). */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: 0;
    message: { role: 'assistant'; content: string; tool_calls: [] };
    logprobs: null;
    finish_reason: 'stop' | 'length';
    stop_reason: null;
  }[];
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details?: { cached_tokens: number };
  };
}

/**
 * Lays out the prompt the way Qwen's chat template does (role markers, then each part) and
 * resolves media; only the last user message's media is decoded to pixels — that is the clip
 * under analysis; earlier media (few-shot examples) only counts and hashes.
 */
async function buildPrompt(
  req: ChatRequest,
  deps: EngineDeps,
): Promise<{ segments: Segment[]; frames: Frame[]; promptText: string; videos: { fps: number; kept: number }[] }> {
  const lastUser = req.messages.map((m) => m.role).lastIndexOf('user');
  const segments: Segment[] = [];
  const frames: Frame[] = [];
  let promptText = '';
  const videos: { fps: number; kept: number }[] = [];
  // upstream numbers items per modality across the prompt (the index in its cache-miss message)
  const seen = { video: 0, image: 0 };
  deps.media.touchAll(
    req.messages.flatMap((m) => m.parts.filter((p) => p.kind === 'media')),
    { hashKey: req.mediaKwargs },
  );
  for (const [i, m] of req.messages.entries()) {
    segments.push({ kind: 'text', text: `<|im_start|>${m.role}\n` });
    for (const p of m.parts) {
      if (p.kind === 'text') {
        segments.push({ kind: 'text', text: p.text });
        if (m.role === 'system' || m.role === 'developer' || i === lastUser) promptText += p.text + '\n';
        continue;
      }
      const r = await deps.media.resolve(
        p,
        i === lastUser,
        { hashKey: req.mediaKwargs, video: req.video, videoIoFps: req.videoIoFps },
        seen[p.modality]++,
      );
      segments.push({ kind: 'media', ids: r.ids, hash: r.hash });
      if (r.fps !== undefined) videos.push({ fps: r.fps, kept: r.framesKept ?? 0 });
      if (r.frames) frames.push(...r.frames);
    }
    segments.push({ kind: 'text', text: '<|im_end|>\n' });
  }
  segments.push({ kind: 'text', text: '<|im_start|>assistant\n' });
  return { segments, frames, promptText, videos };
}

/** Serves one chat completion: count, cache, look at the frames, answer, and take the modelled time. */
export async function complete(req: ChatRequest, deps: EngineDeps): Promise<ChatCompletion> {
  if (req.model !== deps.model)
    throw new SimHttpError(404, 'NotFoundError', `The model \`${req.model}\` does not exist.`, 'model');
  const started = performance.now();
  const { segments, frames, promptText, videos } = await buildPrompt(req, deps);
  const failOn = deps.faults().failPromptContaining;
  if (failOn !== '' && promptText.includes(failOn)) {
    throw new SimHttpError(
      500,
      'InternalServerError',
      `vllm-sim: injected failure for prompts containing ${JSON.stringify(failOn)}`,
    );
  }
  deps.metrics.counters.lastVideoFps = videos.at(-1)?.fps ?? 0;
  deps.metrics.counters.lastVideoFramesKept = videos.at(-1)?.kept ?? 0;
  const stream = tokenize(segments);
  const promptTokens = stream.ids.length;
  const cached = deps.cache.lookupAndInsert(stream, req.cacheSalt);
  deps.metrics.cacheLookup(promptTokens, cached);

  const verdict = buildVerdict(analyzeClip(frames), detectLanguage(promptText));
  const broken = deps.takeBreak();
  const answer = broken === undefined ? renderAnswer(verdict, req.format) : brokenAnswer(broken);
  const { content, finishReason } = truncateAnswer(answer, req.maxTokens);
  // vLLM counts the generated ids, the end-of-turn token included when the answer stopped on it.
  const completionTokens = countTokens(content) + (finishReason === 'stop' ? 1 : 0);

  await deps.scheduler.run(promptTokens - cached, completionTokens, deps.faults().delayMs, () =>
    deps.metrics.firstToken((performance.now() - started) / 1000),
  );
  deps.metrics.finished(promptTokens, completionTokens, (performance.now() - started) / 1000, finishReason);
  const usage: ChatCompletion['usage'] = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
  // vLLM sets prompt_tokens_details only when enabled AND something was cached.
  if (deps.promptTokensDetails && cached > 0) usage.prompt_tokens_details = { cached_tokens: cached };
  return {
    id: `chatcmpl-${randomUUID().replace(/-/g, '')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: deps.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, tool_calls: [] },
        logprobs: null,
        finish_reason: finishReason,
        stop_reason: null,
      },
    ],
    usage,
  };
}
