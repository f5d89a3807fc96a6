import OpenAI from 'openai';
import type { Logger } from 'pino';
import { RetryableError, UnavailableError, UnrecoverableError, toError } from '../../../shared/src/errors';

export interface VllmClientOptions {
  /** OpenAI-compatible base URL ending in /v1. */
  baseUrl: string;
  apiKey: string | undefined;
  timeoutMs: number;
  maxRetries: number;
  logger: Logger;
  /** Injected transport (tests); wrapped so only timeouts, 408, 429 and 5xx are retried. */
  fetch?: typeof fetch;
}

/** Token counts of one answer. `cached` is 0 when the server omits `prompt_tokens_details` (vLLM does when nothing hit). */
export interface Usage {
  prompt: number;
  cached: number;
  completion: number;
}

export interface Completion {
  content: string | null;
  usage: Usage;
}

/** The server is unreachable, overloaded, or answers while its /health fails: wait for /health, then send again (attempt not counted). */
export class VllmUnavailableError extends UnavailableError {}

/**
 * A uuid-only media part vLLM's processor cache no longer (or never) held (issue #27.4): v0.12.0
 * raises ValueError "Cache miss for {modality} at index {idx} but data is not provided."
 * (vllm/multimodal/processing.py:1751) and answers 400. The few-shot sender resends the request
 * with the media (adapters/fewshot-sender.ts); it never reaches the failure policy.
 */
export class MediaCacheMissError extends UnrecoverableError {}
const CACHE_MISS = /Cache miss for (video|image) at index \d+ but data is not provided/;

/**
 * openai-node retries 408, 409, 429, ≥500 and connection errors itself (jittered 0.5·2^n s,
 * capped at 8 s, honouring Retry-After). Two of those are not ours to retry inline, so the
 * transport marks them `x-should-retry: false`, which the SDK obeys: a 409, and a 500 — vLLM's
 * answer when THIS request failed in the processor or engine (its /health stays 200), which is
 * retried through the queue and counted, not resent at once.
 */
export function retryPolicyFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    if (res.ok || res.status === 408 || res.status === 429 || res.status > 500) return res;
    const headers = new Headers(res.headers);
    headers.set('x-should-retry', 'false');
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  };
}

/** `http://host:8000/v1` → `http://host:8000/health` (vLLM serves /health beside /v1). */
export function healthUrl(baseUrl: string): string {
  const u = new URL(baseUrl);
  u.pathname = u.pathname.replace(/\/v1\/?$/, '/').replace(/\/?$/, '/') + 'health';
  u.pathname = u.pathname.replace(/\/{2,}/g, '/');
  return u.href;
}

/** The vLLM adapter: chat completions through openai@6, and the health probe. */
export class VllmClient {
  private readonly client: OpenAI;
  private readonly doFetch: typeof fetch;

  constructor(private readonly opts: VllmClientOptions) {
    this.doFetch = opts.fetch ?? fetch;
    this.client = new OpenAI({
      baseURL: opts.baseUrl,
      apiKey: opts.apiKey ?? 'unused',
      timeout: opts.timeoutMs,
      maxRetries: opts.maxRetries,
      fetch: retryPolicyFetch(this.doFetch),
    });
  }

  /** GET /health with a short timeout; false on any failure. */
  async healthy(): Promise<boolean> {
    try {
      const res = await this.doFetch(healthUrl(this.opts.baseUrl), { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok;
    } catch {
      return false;
    }
  }

  /**
   * Sends one request body (built by core/prompt.ts; it carries vLLM extensions the SDK types
   * lack: video_url, uuid, mm_processor_kwargs, so it is passed through as-is).
   * @throws the error {@link classifyFailure} decides from what the server says.
   */
  async complete(body: Record<string, unknown>, signal?: AbortSignal): Promise<Completion> {
    try {
      const res = await this.client.chat.completions.create(
        body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming,
        { signal: signal ?? null },
      );
      const usage = res.usage as
        (OpenAI.CompletionUsage & { prompt_tokens_details?: { cached_tokens?: number } | null }) | undefined;
      return {
        content: res.choices[0]?.message.content ?? null,
        usage: {
          prompt: usage?.prompt_tokens ?? 0,
          cached: usage?.prompt_tokens_details?.cached_tokens ?? 0,
          completion: usage?.completion_tokens ?? 0,
        },
      };
    } catch (err) {
      if (signal?.aborted) throw toError(err);
      throw classifyFailure(describeFailure(err), await this.healthy());
    }
  }
}

/** What the server said, reduced to what the policy needs. */
export type ServerFailure =
  | { type: 'timeout'; message: string }
  | { type: 'connection'; message: string }
  | { type: 'status'; status: number; message: string }
  | { type: 'other'; error: Error };

export function describeFailure(err: unknown): ServerFailure {
  if (err instanceof OpenAI.APIConnectionTimeoutError) return { type: 'timeout', message: err.message };
  if (err instanceof OpenAI.APIConnectionError) return { type: 'connection', message: err.message };
  if (err instanceof OpenAI.APIError) {
    // instanceof yields APIError<any, any, any>: status is read as unknown so its type is checked here.
    const status: unknown = err.status;
    if (typeof status === 'number') return { type: 'status', status, message: serverMessage(err) };
  }
  return { type: 'other', error: toError(err) };
}

/** vLLM's error body is `{"error": {"message", "type", "code"}}` (openai-node puts `error` on the exception). */
function serverMessage(err: { readonly error?: unknown; readonly message: string }): string {
  const e = err.error as { message?: unknown } | undefined;
  return typeof e?.message === 'string' && e.message !== '' ? e.message : err.message;
}

/**
 * The model-server failure policy (issue #11), decided from what the server says and whether
 * its /health answers. vLLM's /health is 200 unless the engine is dead (EngineDeadError → 503;
 * at the pinned v0.12.0 in vllm/entrypoints/openai/api_server.py:326-333, later moved to
 * vllm/entrypoints/serve/instrumentator/health.py), so a 5xx with /health 200 is this request's
 * fault (e.g. the Qwen3-VL `total_num_frames` 500, QwenLM/Qwen3-VL#1762): it must count as an
 * attempt, or it would be resent forever.
 * - connection refused / reset, 429, or a 5xx while /health fails → VllmUnavailableError: wait for /health, resend, not counted;
 * - a timeout (issue #18.3) or 408 → RetryableError: counted, back through the queue;
 * - a 5xx while /health answers 200 → RetryableError "poisoned request" with the server's message: counted; dead-lettered with it after QUEUE_MAX_ATTEMPTS;
 * - 401/403/404 (VLLM_API_KEY / VLLM_MODEL wrong: every job would fail the same way) → RetryableError, counted;
 * - any other 4xx → UnrecoverableError: dead-letter at once with the server's message.
 */
export function classifyFailure(f: ServerFailure, healthy: boolean): Error {
  if (f.type === 'other') return f.error;
  if (f.type === 'timeout') return new RetryableError(`vLLM request timed out: ${f.message}`, { label: 'timeout' });
  if (f.type === 'connection')
    return new VllmUnavailableError(`vLLM unreachable: ${f.message}`, { label: 'unavailable' });
  const { status: s, message } = f;
  if (s === 429) return new VllmUnavailableError(`vLLM is overloaded (HTTP 429): ${message}`, { label: 'unavailable' });
  if (s === 408) return new RetryableError(`vLLM timed out the request (HTTP 408): ${message}`, { label: 'timeout' });
  if (s >= 500) {
    if (!healthy)
      return new VllmUnavailableError(`vLLM answered HTTP ${s} and its /health fails: ${message}`, {
        label: 'unavailable',
      });
    return new RetryableError(`vLLM failed this request (HTTP ${s}, /health 200): ${message}`, {
      label: 'server-error',
    });
  }
  if (s === 401 || s === 403 || s === 404)
    return new RetryableError(
      `vLLM answered HTTP ${s} (check VLLM_BASE_URL, VLLM_MODEL and VLLM_API_KEY): ${message}`,
      { label: 'rejected' },
    );
  if (s === 400 && CACHE_MISS.test(message))
    return new MediaCacheMissError(`vLLM's processor cache misses a media uuid (HTTP 400): ${message}`, {
      label: 'rejected',
    });
  return new UnrecoverableError(`vLLM rejected the request (HTTP ${s}): ${message}`, { label: 'rejected' });
}
