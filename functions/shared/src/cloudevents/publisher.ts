import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { RetryableError, UnrecoverableError, toError } from '../errors';
import { cameraSource, EventDataSchemas, type EventData, type EventTypeName } from '../events';
import { sleep } from '../async';
import { computeBackoffMs } from './backoff';

export interface PublisherOptions {
  /** K_SINK; undefined = log only. */
  sink: string | undefined;
  maxRetries: number;
  timeoutMs: number;
  logger: Logger;
  registry?: Registry;
  /** Injected transport (tests use the real fetch against a real server). */
  fetch?: typeof fetch;
  backoff?: (attempt: number) => number;
}

export interface PublishInput<T extends EventTypeName> {
  type: T;
  cameraId: string;
  data: EventData<T>;
  /** Extra CloudEvent extensions (lowercase alphanumeric names), e.g. incidentid, severity. */
  extensions?: Record<string, string>;
  /** Stable id makes redelivery idempotent for subscribers (e.g. `<incidentId>-<seq>`). */
  id?: string;
  time?: string;
}

/** What a subscriber receives (and what `publish` returns). */
export type PublishedEvent = CloudEvent<unknown>;

/**
 * Publishes CloudEvents in binary mode to K_SINK. Data is validated against the type's zod
 * schema first (an invalid event is a bug: UnrecoverableError). The HTTP status is checked;
 * network errors, 408, 429 and 5xx are retried with capped jittered backoff; every failure is
 * counted. Never drops silently: after the retries it throws RetryableError.
 */
export class Publisher {
  private readonly published: Counter<'type'>;
  private readonly failed: Counter<'type' | 'reason'>;
  private readonly retried: Counter<'type'>;

  constructor(private readonly opts: PublisherOptions) {
    const registers = opts.registry ? [opts.registry] : [];
    this.published = new Counter({
      name: 'safetyhanta_events_published_total',
      help: 'CloudEvents delivered to K_SINK (2xx)',
      labelNames: ['type'],
      registers,
    });
    this.failed = new Counter({
      name: 'safetyhanta_events_publish_failed_total',
      help: 'CloudEvents that could not be delivered after retries',
      labelNames: ['type', 'reason'],
      registers,
    });
    this.retried = new Counter({
      name: 'safetyhanta_events_publish_retries_total',
      help: 'CloudEvent delivery retries',
      labelNames: ['type'],
      registers,
    });
  }

  async publish<T extends EventTypeName>(input: PublishInput<T>): Promise<PublishedEvent> {
    const event = buildEvent(input);
    const { sink, logger } = this.opts;
    if (!sink) {
      logger.info(
        { ce: { type: event.type, id: event.id, source: event.source }, data: event.data },
        'event (K_SINK unset: logged only)',
      );
      return event;
    }
    const message = HTTP.binary(event);
    const doFetch = this.opts.fetch ?? fetch;
    let lastError: Error | undefined;
    for (let attempt = 0; attempt <= this.opts.maxRetries; attempt++) {
      if (attempt > 0) {
        this.retried.inc({ type: event.type });
        await sleep((this.opts.backoff ?? computeBackoffMs)(attempt - 1));
      }
      try {
        const res = await doFetch(sink, {
          method: 'POST',
          headers: message.headers as Record<string, string>,
          body: message.body as string,
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.published.inc({ type: event.type });
          return event;
        }
        lastError = new Error(`sink answered HTTP ${res.status}`);
        if (!isRetryableStatus(res.status)) break;
      } catch (err) {
        lastError = toError(err);
      }
      logger.warn(
        { type: event.type, id: event.id, attempt, err: lastError.message },
        'CloudEvent delivery failed; retrying',
      );
    }
    this.failed.inc({
      type: event.type,
      reason: lastError?.message.startsWith('sink answered') ? 'status' : 'network',
    });
    logger.error({ type: event.type, id: event.id, err: lastError?.message }, 'CloudEvent not delivered after retries');
    throw new RetryableError(
      `could not deliver ${event.type} ${event.id} to K_SINK ${sink}: ${lastError?.message}. Check that the sink is up; the event will be retried by the caller.`,
      { cause: lastError },
    );
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Validates data with the type's schema and builds the event: source `/cameras/<id>`, extension `cameraid`. */
export function buildEvent<T extends EventTypeName>(input: PublishInput<T>): PublishedEvent {
  const parsed = EventDataSchemas[input.type].safeParse(input.data);
  if (!parsed.success) {
    throw new UnrecoverableError(
      `refusing to publish an invalid ${input.type}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return new CloudEvent<unknown>({
    id: input.id ?? randomUUID(),
    type: input.type,
    source: cameraSource(input.cameraId),
    time: input.time ?? new Date().toISOString(),
    datacontenttype: 'application/json',
    data: parsed.data,
    cameraid: input.cameraId,
    ...(input.extensions ?? {}),
  });
}
