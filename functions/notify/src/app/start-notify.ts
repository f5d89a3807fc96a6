import { Redis } from 'ioredis';
import type { Config } from '../../../shared/src/config';
import { toError } from '../../../shared/src/errors';
import { createFunctionHandler, serveFunction } from '../../../shared/src/http';
import { redisKeys } from '../../../shared/src/keys';
import { createLogger, type Logger } from '../../../shared/src/logger';
import { Counter, createRegistry, Histogram, type Registry } from '../../../shared/src/metrics';
import { redactUrls } from '../../../shared/src/redact';
import { logRedisErrors } from '../../../shared/src/redis-errors';
import type { RulesFile } from '../core/rules';
import { DeliveryQueue } from '../adapters/delivery-queue';
import { IncidentStore } from '../adapters/incident-store';
import { PushSubscriptions } from '../../../shared/src/push-subscriptions';
import { loadRules } from '../adapters/rules-file';
import { RulesSource } from '../adapters/rules-source';
import { ACCEPTED_TYPES, createEventHandler } from '../handler';
import { notifyRoutes } from '../http/routes';
import { buildChannels } from './channels';
import { Notifier } from './notifier';
import type { ReportMailer } from './report-mailer';
import { buildReportMailer } from './report-setup';
import { DeliverySender } from './sender';

/** Optional overrides for {@link startNotify} (tests, the local stack, the benchmark). */
export interface NotifyDeps {
  readonly logger?: Logger;
  readonly registry?: Registry;
  readonly port?: number;
  readonly host?: string;
  /** The clock (tests compress it). @default Date.now */
  readonly now?: () => number;
  /** Rules instead of NOTIFY_RULES_FILE (tests). */
  readonly rules?: RulesFile;
}

export interface RunningNotify {
  readonly url: string;
  readonly port: number;
  readonly notifier: Notifier;
  readonly sender: DeliverySender;
  readonly queue: DeliveryQueue;
  /** The daily-report mailer (undefined: NOTIFY_REPORT_TO unset). */
  readonly reportMailer: ReportMailer | undefined;
  stop(): Promise<void>;
}

function metrics(registry: Registry) {
  return {
    attempts: new Counter({
      name: 'safetyhanta_notify_attempts_total',
      help: 'Send attempts by channel kind and result (sent, retry, dead)',
      labelNames: ['channel', 'status'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'safetyhanta_notify_send_seconds',
      help: 'Duration of one send attempt',
      labelNames: ['channel'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

/**
 * Starts the notify function: CloudEvent subscriber (alert.*, camera.*, the escalation tick) that
 * turns incidents into messages, and the sender draining the Redis outbox.
 */
export async function startNotify(config: Config, deps: NotifyDeps = {}): Promise<RunningNotify> {
  const { common, notify } = config;
  const logger = deps.logger ?? createLogger('notify', common.logLevel);
  const now = deps.now ?? Date.now;
  const registry = deps.registry ?? createRegistry('notify');
  const m = metrics(registry);
  const quick = {
    ...(notify.webhookUrl ? { webhookUrl: notify.webhookUrl } : {}),
    ...(notify.webhookSecret ? { webhookSecret: notify.webhookSecret } : {}),
    ...(notify.smtpUrl ? { smtpUrl: notify.smtpUrl } : {}),
    ...(notify.emailTo ? { emailTo: notify.emailTo } : {}),
    webPush: notify.vapidPublicKey !== undefined && notify.vapidPrivateKey !== undefined,
  };
  const rules =
    deps.rules ??
    loadRules(
      {
        ...(notify.rulesFile ? { rulesFile: notify.rulesFile } : {}),
        ...(notify.channelsFile ? { channelsFile: notify.channelsFile } : {}),
      },
      quick,
    );
  if (!notify.linkSecret) logger.warn('NOTIFY_LINK_SECRET is not set: messages carry no acknowledge link');

  const redis = new Redis(common.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  logRedisErrors(redis, logger, 'notify');
  // before connecting: a report setting without an email channel stops notify with nothing to close
  const reportMailer = buildReportMailer(config, {
    rules,
    redis,
    keys: redisKeys(common.redisPrefix),
    logger,
    registry,
    now,
  });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${redactUrls(common.redisUrl)}: ${redactUrls(toError(err).message)}`, {
      cause: err,
    });
  }
  const keys = redisKeys(common.redisPrefix);
  const queue = new DeliveryQueue(redis, keys);
  const subscriptions = new PushSubscriptions(redis, keys);
  const channels = buildChannels(rules, { config, redis, keys, subscriptions });
  const warn = (msg: string, detail: Record<string, unknown>) => logger.warn(detail, msg);
  const source = new RulesSource(redis, keys, rules, warn);
  await source.publishBase(new Map([...channels].map(([id, c]) => [id, c.kind])));
  await source.refresh();
  const sender = new DeliverySender({
    queue,
    channel: (id) => channels.get(id),
    policy: { maxAttempts: notify.maxAttempts, baseMs: notify.retryBaseMs, maxMs: notify.retryMaxMs },
    timeoutMs: notify.sendTimeoutMs,
    concurrency: notify.sendConcurrency,
    now,
    logger,
    onAttempt: (a, kind) => {
      m.attempts.inc({ channel: kind, status: a.status });
      m.latency.observe({ channel: kind }, a.latencyMs / 1000);
    },
  });
  const notifier = new Notifier({
    store: new IncidentStore(redis, keys),
    queue,
    subscriptions,
    rules: () => source.current(),
    channelKind: (id) => channels.get(id)?.kind,
    publicUrl: notify.publicUrl,
    linkSecret: notify.linkSecret,
    linkTtlHours: notify.linkTtlHours,
    now,
    onQueued: () => sender.kick(),
    warn,
  });
  // after the escalation tick: the sender wakes, and the daily report goes out once it is due
  const afterTick = async () => (sender.kick(), reportMailer ? await reportMailer.tick() : undefined);
  const onEvent = createEventHandler(notifier, afterTick);

  const handler = createFunctionHandler({
    name: 'notify',
    accepted: ACCEPTED_TYPES,
    logger,
    registry,
    // the rules in force first: an admin's dashboard edit applies to the next event
    onEvent: async (event) => (await source.refresh(), onEvent(event)),
    readiness: async () => {
      const ok =
        redis.status === 'ready' &&
        (await redis.ping().then(
          () => true,
          () => false,
        ));
      return { ready: ok, detail: { redis: ok ? 'ok' : 'not answering' } };
    },
    routes: notifyRoutes({ queue }),
  });
  const served = await serveFunction('notify', handler, deps.port ?? common.port, deps.host ?? common.bindHost, {
    maxBodyBytes: common.maxBodyBytes,
  });
  sender.start();
  // `npm start` has no PingSource: the same tick, in-process (the cluster sets 0 and relies on the PingSource)
  const tick =
    notify.tickSeconds > 0
      ? setInterval(() => {
          source
            .refresh()
            .then(() => notifier.onTick())
            .then(afterTick)
            .then(
              () => undefined,
              (err: unknown) => logger.warn({ err: toError(err).message }, 'escalation tick failed'),
            );
        }, notify.tickSeconds * 1000)
      : undefined;
  logger.info(
    {
      url: served.url,
      channels: [...channels.keys()],
      rules: source.current().rules.length,
      rulesFrom: source.revision ? `dashboard edit rev ${source.revision}` : 'file',
      prefix: common.redisPrefix,
    },
    'notify listening',
  );
  let stopping: Promise<void> | undefined;
  return {
    url: served.url,
    port: served.port,
    notifier,
    sender,
    queue,
    reportMailer,
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(tick);
        await served.close();
        await sender.stop();
        await redis.quit().catch(() => undefined);
      })()),
  };
}
