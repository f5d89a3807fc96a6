import type { Config } from '../../functions/shared/src/config';
import type { ClipJob } from '../../functions/shared/src/clip-job';
import { loadFewShot } from '../../functions/inference/src/index';
import { prepareClip } from '../../functions/inference/src/adapters/prepare';
import { createPromptKit } from '../../functions/inference/src/core/prompt-kit';
import { promptSettings } from '../../functions/inference/src/app/prompt-settings';
import type { PreparedMedia } from '../../functions/inference/src/core/media';
import { percentile } from '../table';
import { histogramMean, serverMetrics, timedChat, type ChatTiming } from './chat';

/**
 * Inference requests exactly as the inference function builds them (its PromptKit: system
 * prompt + committed few-shot examples + the clip), in three prefix variants:
 * - `stable`: ours — the same bytes before the clip on every request (the cache hits);
 * - `changing`: the same prompt with one unique line at the very start (what a timestamp or
 *   request id in the system prompt does: nothing can be reused);
 * - `zero-shot`: no few-shot examples, only the system prompt before the clip.
 */
export type PrefixVariant = 'stable' | 'changing' | 'zero-shot';

export interface LoadKit {
  media: PreparedMedia[];
  jobs: ClipJob[];
  fewShotCount: number;
  body(variant: PrefixVariant, i: number): Record<string, unknown>;
}

export async function buildLoadKit(config: Config, clipsDir: string, jobs: ClipJob[]): Promise<LoadKit> {
  const ic = config.inference;
  const examples = await loadFewShot(ic.fewshotDir);
  const mode = ic.videoInput;
  const opts = { ...promptSettings(config), cameras: undefined };
  const withShots = createPromptKit({ ...opts, examples });
  const zeroShot = createPromptKit({ ...opts, examples: [] });
  const media: PreparedMedia[] = [];
  for (const job of jobs)
    media.push(
      await prepareClip(job, {
        clipsDir,
        mode,
        sampling: ic.videoSampling,
        fps: ic.videoFps,
        maxSide: ic.videoMaxSide,
        maxClipSeconds: ic.maxClipSeconds ?? 3 * config.common.segmentSeconds,
      }),
    );
  return {
    media,
    jobs,
    fewShotCount: examples.length,
    body: (variant, i) => {
      const k = i % jobs.length;
      const job = jobs[k]!;
      if (variant === 'zero-shot') return zeroShot.body(job.cameraId, media[k]!);
      const body = withShots.body(job.cameraId, media[k]!);
      if (variant === 'stable') return body;
      const [system, ...rest] = body.messages as { role: string; content: unknown }[];
      return {
        ...body,
        messages: [
          { role: 'system', content: `Request ${i} at ${new Date().toISOString()}.\n${String(system!.content)}` },
          ...rest,
        ],
      };
    },
  };
}

export interface LoadResult {
  requests: number;
  seconds: number;
  clipsPerSecond: number;
  timings: ChatTiming[];
  cachedRatio: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  /** client-side TTFT (streaming) p50, when the server streams */
  ttftP50Ms: number | undefined;
  /** server-side mean TTFT over this run, from /metrics `vllm:time_to_first_token_seconds` */
  serverTtftMs: number | undefined;
}

/** Sends `count` requests of one variant with `concurrency` in flight; `stream` asks for SSE (TTFT). */
export async function runLoad(
  baseUrl: string,
  kit: LoadKit,
  variant: PrefixVariant,
  o: { count: number; concurrency: number; stream: boolean; apiKey?: string | undefined; offset?: number },
): Promise<LoadResult> {
  const before = await serverMetrics(baseUrl).catch(() => '');
  const timings: ChatTiming[] = [];
  let next = 0;
  let stream = o.stream;
  const started = performance.now();
  const worker = async () => {
    while (next < o.count) {
      const i = (o.offset ?? 0) + next++;
      try {
        timings.push(await timedChat(baseUrl, kit.body(variant, i), { stream, apiKey: o.apiKey }));
      } catch (err) {
        if (!stream || !/stream/.test((err as Error).message)) throw err;
        stream = false; // this server does not stream (vllm-sim): fall back, TTFT comes from /metrics
        timings.push(await timedChat(baseUrl, kit.body(variant, i), { stream, apiKey: o.apiKey }));
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const after = await serverMetrics(baseUrl).catch(() => '');
  const prompt = timings.reduce((a, t) => a + t.promptTokens, 0);
  const cached = timings.reduce((a, t) => a + t.cachedTokens, 0);
  const ms = timings.map((t) => t.ms);
  const ttft = timings.map((t) => t.ttftMs).filter((v): v is number => v !== undefined);
  return {
    requests: timings.length,
    seconds,
    clipsPerSecond: timings.length / seconds,
    timings,
    cachedRatio: prompt ? cached / prompt : 0,
    meanMs: ms.reduce((a, b) => a + b, 0) / ms.length,
    p50Ms: percentile(ms, 50),
    p95Ms: percentile(ms, 95),
    ttftP50Ms: ttft.length ? percentile(ttft, 50) : undefined,
    serverTtftMs: histogramDelta(before, after, 'vllm:time_to_first_token_seconds'),
  };
}

/** Mean of a histogram over the interval between two /metrics scrapes, in ms. */
function histogramDelta(before: string, after: string, name: string): number | undefined {
  const sc = (text: string) => {
    const mean = histogramMean(text, name);
    const count = Number(
      text
        .split('\n')
        .find((l) => l.startsWith(`${name}_count`))
        ?.trim()
        .split(/\s+/)
        .at(-1) ?? NaN,
    );
    return { sum: mean !== undefined ? mean * count : 0, count: Number.isFinite(count) ? count : 0 };
  };
  const a = sc(before);
  const b = sc(after);
  return b.count > a.count ? (1000 * (b.sum - a.sum)) / (b.count - a.count) : undefined;
}
