/**
 * One chat-completions request to any OpenAI-compatible server (vLLM, vllm-sim), timed from the
 * client: total time, time to first token when the server streams (SSE), and the usage it reports
 * (`prompt_tokens_details.cached_tokens` is omitted by vLLM when 0 — read as 0).
 */
export interface ChatTiming {
  ms: number;
  /** time to the first content chunk; undefined when the server answered without streaming */
  ttftMs: number | undefined;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
}

interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}

export async function timedChat(
  baseUrl: string,
  body: Record<string, unknown>,
  opts: { stream?: boolean; apiKey?: string | undefined; timeoutMs?: number } = {},
): Promise<ChatTiming> {
  const started = performance.now();
  const payload = opts.stream ? { ...body, stream: true, stream_options: { include_usage: true } } : body;
  const res = await fetch(`${baseUrl.replace(/\/$/, '')}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 300_000),
  });
  if (!res.ok) throw new Error(`server answered HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
  let usage: Usage | undefined;
  let ttftMs: number | undefined;
  if ((res.headers.get('content-type') ?? '').includes('text/event-stream') && res.body) {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith('data:') || line === 'data: [DONE]') continue;
        const event = JSON.parse(line.slice(5)) as {
          choices?: { delta?: { content?: string } }[];
          usage?: Usage | null;
        };
        if (ttftMs === undefined && event.choices?.some((c) => c.delta?.content)) ttftMs = performance.now() - started;
        if (event.usage) usage = event.usage;
      }
    }
  } else {
    usage = ((await res.json()) as { usage?: Usage }).usage;
  }
  return {
    ms: performance.now() - started,
    ttftMs,
    promptTokens: usage?.prompt_tokens ?? 0,
    cachedTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
    completionTokens: usage?.completion_tokens ?? 0,
  };
}

/** Mean of a Prometheus histogram (`<name>_sum / <name>_count`) from a server's /metrics text. */
export function histogramMean(metricsText: string, name: string): number | undefined {
  const read = (suffix: string) => {
    let total = 0;
    let seen = false;
    for (const line of metricsText.split('\n')) {
      if (line.startsWith(`${name}${suffix}`) && /[\s{]/.test(line.charAt(name.length + suffix.length))) {
        total += Number(line.trim().split(/\s+/).at(-1));
        seen = true;
      }
    }
    return seen ? total : undefined;
  };
  const sum = read('_sum');
  const count = read('_count');
  return sum !== undefined && count ? sum / count : undefined;
}

/** Reads `/metrics` next to an OpenAI base URL (`…/v1` → `…/metrics`). */
export async function serverMetrics(baseUrl: string): Promise<string> {
  const res = await fetch(baseUrl.replace(/\/v1\/?$/, '') + '/metrics', { signal: AbortSignal.timeout(10_000) });
  return res.ok ? res.text() : '';
}
