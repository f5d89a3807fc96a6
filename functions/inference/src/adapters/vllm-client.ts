import OpenAI from 'openai';
import type { Logger } from 'pino';
import { RetryableError, UnrecoverableError, toError } from '../../../shared/src/errors';

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

/** The server is unreachable or overloaded (after the client's retries): wait for /health, then send again. */
export class VllmUnavailableError extends RetryableError {}

/**
 * openai-node retries 408, 409, 429, ≥500 and connection errors itself (jittered 0.5·2^n s,
 * capped at 8 s, honouring Retry-After). A 409 is not ours to retry, so the transport marks
 * it with `x-should-retry: false`, which the SDK obeys.
 */
export function retryPolicyFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    if (res.ok || res.status === 408 || res.status === 429 || res.status >= 500) return res;
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
   * @throws VllmUnavailableError (wait and resend), UnrecoverableError (a 4xx the request
   * itself caused: dead-letter), RetryableError (auth/config: retry the job later).
   */
  async complete(body: Record<string, unknown>, signal?: AbortSignal): Promise<Completion> {
    try {
      const res = await this.client.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, { signal: signal ?? null });
      const usage = res.usage as (OpenAI.CompletionUsage & { prompt_tokens_details?: { cached_tokens?: number } | null }) | undefined;
      return {
        content: res.choices[0]?.message.content ?? null,
        usage: {
          prompt: usage?.prompt_tokens ?? 0,
          cached: usage?.prompt_tokens_details?.cached_tokens ?? 0,
          completion: usage?.completion_tokens ?? 0,
        },
      };
    } catch (err) {
      throw classify(err);
    }
  }
}

function classify(err: unknown): Error {
  if (err instanceof OpenAI.APIConnectionError) return new VllmUnavailableError(`vLLM unreachable: ${err.message}`, { cause: err });
  if (err instanceof OpenAI.APIError && err.status !== undefined) {
    const s = err.status;
    if (s === 408 || s === 429 || s >= 500) return new VllmUnavailableError(`vLLM answered HTTP ${s}: ${err.message}`, { cause: err });
    if (s === 400 || s === 413 || s === 422) return new UnrecoverableError(`vLLM rejected the request (HTTP ${s}): ${err.message}`, { cause: err });
    return new RetryableError(`vLLM answered HTTP ${s} (check VLLM_BASE_URL, VLLM_MODEL and VLLM_API_KEY): ${err.message}`, { cause: err });
  }
  return toError(err);
}
