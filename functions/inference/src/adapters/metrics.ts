import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const TIME_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120];

/** The inference function's Prometheus metrics (one registry per process, passed in). */
export class InferenceMetrics {
  readonly queueWait: Histogram;
  readonly prepare: Histogram;
  readonly model: Histogram;
  readonly clipToVerdict: Histogram;
  readonly promptTokens: Counter;
  readonly cachedTokens: Counter;
  readonly cachedRatio: Gauge;
  readonly verdicts: Counter<'status'>;
  readonly alerts: Counter<'type'>;
  readonly deadLetters: Counter<'reason'>;
  readonly schemaRetries: Counter;
  readonly vllmWaits: Counter;
  readonly fewShotResends: Counter;
  readonly inFlight: Gauge;
  readonly concurrencyLimit: Gauge;
  readonly gateSkipped: Counter;
  readonly modelClip: Counter<'source' | 'reason'>;
  readonly suppressed: Counter<'hazard'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.queueWait = new Histogram({
      name: 'safetyhanta_inference_queue_wait_seconds',
      help: 'clip end → claimed by a preparer',
      buckets: TIME_BUCKETS,
      registers,
    });
    this.prepare = new Histogram({
      name: 'safetyhanta_inference_prepare_seconds',
      help: 'path check + decode/sample/resize/JPEG of one clip',
      buckets: TIME_BUCKETS,
      registers,
    });
    this.model = new Histogram({
      name: 'safetyhanta_inference_model_seconds',
      help: 'model request(s) for one clip, schema retry included',
      buckets: TIME_BUCKETS,
      registers,
    });
    this.clipToVerdict = new Histogram({
      name: 'safetyhanta_inference_clip_to_verdict_seconds',
      help: 'clip end → verdict stored',
      buckets: TIME_BUCKETS,
      registers,
    });
    this.promptTokens = new Counter({
      name: 'safetyhanta_inference_prompt_tokens_total',
      help: 'prompt tokens reported by the server',
      registers,
    });
    this.cachedTokens = new Counter({
      name: 'safetyhanta_inference_cached_tokens_total',
      help: 'prompt tokens served from the prefix cache (usage.prompt_tokens_details.cached_tokens)',
      registers,
    });
    this.cachedRatio = new Gauge({
      name: 'safetyhanta_inference_cached_token_ratio',
      help: 'cached_tokens / prompt_tokens of the last answer',
      registers,
    });
    this.verdicts = new Counter({
      name: 'safetyhanta_inference_verdicts_total',
      help: 'verdicts stored, by status',
      labelNames: ['status'],
      registers,
    });
    this.alerts = new Counter({
      name: 'safetyhanta_inference_alerts_total',
      help: 'alert CloudEvents published, by type',
      labelNames: ['type'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'safetyhanta_inference_dead_letters_total',
      help: 'jobs dead-lettered by inference, by reason class',
      labelNames: ['reason'],
      registers,
    });
    this.schemaRetries = new Counter({
      name: 'safetyhanta_inference_schema_retries_total',
      help: 'model answers that broke the verdict schema and were asked again',
      registers,
    });
    this.fewShotResends = new Counter({
      name: 'safetyhanta_inference_fewshot_resends_total',
      help: 'requests resent with the few-shot media after the model server missed their uuid-only references (HTTP 400; issue #27.4)',
      registers,
    });
    this.vllmWaits = new Counter({
      name: 'safetyhanta_inference_vllm_unavailable_total',
      help: 'requests that found vLLM down and waited for /health',
      registers,
    });
    this.inFlight = new Gauge({ name: 'safetyhanta_inference_in_flight', help: 'model requests in flight', registers });
    this.concurrencyLimit = new Gauge({
      name: 'safetyhanta_inference_concurrency_limit',
      help: 'current limit on model requests in flight (adaptive AIMD, or INFERENCE_CONCURRENCY fixed)',
      registers,
    });
    this.gateSkipped = new Counter({
      name: 'safetyhanta_inference_gate_skipped_total',
      help: 'clips stored safe without a model request: unchanged scene after a recent safe verdict',
      registers,
    });
    this.modelClip = new Counter({
      name: 'safetyhanta_inference_model_clip_total',
      help: 'how each clip was prepared: source=capture (no decode) or fallback (with the reason)',
      labelNames: ['source', 'reason'],
      registers,
    });
    this.suppressed = new Counter({
      name: 'safetyhanta_inference_alerts_suppressed_total',
      help: 'hazards seen during a cooldown (no alert)',
      labelNames: ['hazard'],
      registers,
    });
  }

  /** Records a judgement: model time, schema retries and every answer's token usage. */
  recordJudgement(j: { modelMs: number; usage: readonly { prompt: number; cached: number }[] }): void {
    this.model.observe(j.modelMs / 1000);
    if (j.usage.length > 1) this.schemaRetries.inc(j.usage.length - 1);
    for (const u of j.usage) this.recordUsage(u.prompt, u.cached);
  }

  /** Records one answer's usage; the ratio gauge shows how well the prefix cache hits. */
  recordUsage(prompt: number, cached: number): void {
    this.promptTokens.inc(prompt);
    this.cachedTokens.inc(cached);
    if (prompt > 0) this.cachedRatio.set(cached / prompt);
  }
}
