import { Counter, Gauge, Histogram, Registry } from '../../../../functions/shared/src/metrics';

/** Plain counters, for tests and benchmarks that would rather not parse Prometheus text. */
export interface SimCounters {
  requests: number;
  errors: number;
  promptTokens: number;
  generationTokens: number;
  /** Prompt tokens looked up in the prefix cache (vLLM V1 counts tokens, not requests). */
  prefixCacheQueries: number;
  /** Prompt tokens found in the prefix cache. */
  prefixCacheHits: number;
  running: number;
  waiting: number;
  /** fps stamped on the last request's last video (container rate, or a JPEG list's media_io_kwargs/1 fps); 0 = none. */
  lastVideoFps: number;
  /** Frames Qwen3-VL's processor kept of the last video (all of a model clip with do_sample_frames false). */
  lastVideoFramesKept: number;
}

const LATENCY_BUCKETS = [0.05, 0.1, 0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 60, 120];

/** vLLM's metric names (docs/design/metrics.md), labelled with `model_name` as vLLM does. */
export class SimMetrics {
  readonly registry = new Registry();
  readonly counters: SimCounters = {
    requests: 0,
    errors: 0,
    promptTokens: 0,
    generationTokens: 0,
    prefixCacheQueries: 0,
    prefixCacheHits: 0,
    running: 0,
    waiting: 0,
    lastVideoFps: 0,
    lastVideoFramesKept: 0,
  };
  private readonly labels: { model_name: string };
  private readonly queries: Counter<'model_name'>;
  private readonly hits: Counter<'model_name'>;
  private readonly prompt: Counter<'model_name'>;
  private readonly generation: Counter<'model_name'>;
  private readonly success: Counter<'model_name' | 'finished_reason'>;
  private readonly running: Gauge<'model_name'>;
  private readonly waiting: Gauge<'model_name'>;
  private readonly e2e: Histogram<'model_name'>;
  private readonly ttft: Histogram<'model_name'>;

  constructor(model: string) {
    this.labels = { model_name: model };
    const registers = [this.registry];
    const labelNames = ['model_name'] as const;
    this.queries = new Counter({
      name: 'vllm:prefix_cache_queries_total',
      help: 'Prefix cache queries, in terms of number of queried tokens.',
      labelNames,
      registers,
    });
    this.hits = new Counter({
      name: 'vllm:prefix_cache_hits_total',
      help: 'Prefix cache hits, in terms of number of cached tokens.',
      labelNames,
      registers,
    });
    this.prompt = new Counter({
      name: 'vllm:prompt_tokens_total',
      help: 'Number of prefill tokens processed.',
      labelNames,
      registers,
    });
    this.generation = new Counter({
      name: 'vllm:generation_tokens_total',
      help: 'Number of generation tokens processed.',
      labelNames,
      registers,
    });
    this.success = new Counter({
      name: 'vllm:request_success_total',
      help: 'Count of successfully processed requests.',
      labelNames: ['model_name', 'finished_reason'],
      registers,
    });
    this.running = new Gauge({
      name: 'vllm:num_requests_running',
      help: 'Number of requests in model execution batches.',
      labelNames,
      registers,
    });
    this.waiting = new Gauge({
      name: 'vllm:num_requests_waiting',
      help: 'Number of requests waiting to be processed.',
      labelNames,
      registers,
    });
    this.e2e = new Histogram({
      name: 'vllm:e2e_request_latency_seconds',
      help: 'Histogram of e2e request latency in seconds.',
      labelNames,
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.ttft = new Histogram({
      name: 'vllm:time_to_first_token_seconds',
      help: 'Histogram of time to first token in seconds.',
      labelNames,
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.running.set(this.labels, 0);
    this.waiting.set(this.labels, 0);
  }

  /** Scheduler callback: queue depths. */
  setQueue(running: number, waiting: number): void {
    this.counters.running = running;
    this.counters.waiting = waiting;
    this.running.set(this.labels, running);
    this.waiting.set(this.labels, waiting);
  }

  /** Prefix-cache lookup of one request: `queried` prompt tokens, `hit` of them cached. */
  cacheLookup(queried: number, hit: number): void {
    this.counters.prefixCacheQueries += queried;
    this.counters.prefixCacheHits += hit;
    this.queries.inc(this.labels, queried);
    this.hits.inc(this.labels, hit);
  }

  firstToken(seconds: number): void {
    this.ttft.observe(this.labels, seconds);
  }

  /** A finished request. */
  finished(promptTokens: number, generationTokens: number, seconds: number, reason: string): void {
    this.counters.requests++;
    this.counters.promptTokens += promptTokens;
    this.counters.generationTokens += generationTokens;
    this.prompt.inc(this.labels, promptTokens);
    this.generation.inc(this.labels, generationTokens);
    this.success.inc({ ...this.labels, finished_reason: reason });
    this.e2e.observe(this.labels, seconds);
  }

  /** A request answered with an error. */
  failed(): void {
    this.counters.errors++;
  }
}
