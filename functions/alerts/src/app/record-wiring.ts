import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../../../shared/src/config';
import type { CameraRegistry } from '../../../shared/src/camera-registry/store';
import { toError } from '../../../shared/src/errors';
import type { AlertData, CameraStatusEvent, VerdictCreated } from '../../../shared/src/events';
import { openRecord, type RecordDb, type RecordSettings } from '../../../shared/src/record/open';
import type { Request, Response } from '../../../shared/src/http';
import type { AlertStore } from '../adapters/redis-store';
import type { AlertEventKind } from '../core/incidents';
import { NO_PLACE, type CameraPlace } from '../core/record-row';
import { AuditLog } from '../record/audit-log';
import { RecordReader } from '../record/record-reader';
import { RecordWriter } from '../record/record-writer';
import { runRecordRetention } from '../record/retention';
import { Workflow } from '../record/workflow';
import { DeliveryLog, DeliveryRecorder } from '../record/deliveries';
import { redisKeys } from '../../../shared/src/keys';
import { FeedbackLog, type FeedbackRecorder } from '../record/feedback-log';
import { recordRoutes } from '../http/record-routes';
import { viewAudit } from '../http/view-audit';
import { loadStaticAssets } from '../adapters/static-assets';
import { exportRoutes } from '../http/export-routes';
import { reportRoutes } from '../http/report-routes';

/** How often notify's attempt stream is copied into the record (RecordDeps.deliveryCopyMs overrides it). */
const DELIVERY_COPY_MS = 1000;

/** What the CloudEvent handler hands the record (handler.ts). */
export interface EventRecorder {
  alert(eventId: string, kind: AlertEventKind, data: AlertData, receivedAt: string): Promise<boolean>;
  verdict(eventId: string, data: VerdictCreated): Promise<boolean>;
  camera(eventId: string, data: CameraStatusEvent): Promise<boolean>;
  /** An incident marked unobserved or observed again (issue #28.4). */
  observation(
    incidentId: string,
    mark: { readonly kind: 'unobserved'; readonly since: string } | { readonly kind: 'observed' },
    at: string,
  ): Promise<boolean>;
}

export interface RunningRecord {
  readonly db: RecordDb;
  readonly recorder: EventRecorder;
  /** Runs before the dashboard's routes: audits views, serves the record's API, exports and reports. */
  readonly routes: (req: Request, res: Response) => Promise<boolean>;
  /** Operator feedback into the record's feedback table, audited (issue #25 item 2). */
  readonly feedback: FeedbackRecorder;
  /** An acknowledgement through a signed link (issue #24): recorded and audited with the link's recipient. */
  acknowledgedByLink(incidentId: string, at: string, recipient: string, address: string): Promise<void>;
  stop(): Promise<void>;
}

export interface RecordDeps {
  readonly redis: Redis;
  readonly store: AlertStore;
  readonly cameras: CameraRegistry;
  readonly logger: Logger;
  readonly legalHoldKey: string;
  /** A clip's thumbnail (the dashboard's ffmpeg cache), for evidence bundles. */
  readonly thumbnail?: (clipPath: string) => Promise<Buffer>;
  readonly now?: () => Date;
  /** Opens the record (default openRecord: migrated PostgreSQL or PGlite); tests start a PGlite from a migrated template. */
  readonly openRecord?: (settings: RecordSettings) => Promise<RecordDb>;
  /** How often notify's delivery attempts are copied into the record, ms. @default 1000 */
  readonly deliveryCopyMs?: number;
}

/**
 * Opens the system of record (PostgreSQL or PGlite, migrated), and wires its writer, API and
 * retention job. Started by start-alerts.ts; the record is what outlives Redis (issue #25).
 * Undefined with RECORD_DIR=off and no DATABASE_URL.
 */
export async function startRecord(config: Config, deps: RecordDeps): Promise<RunningRecord | undefined> {
  const { logger, redis } = deps;
  if (!config.record.databaseUrl && config.record.recordDir === 'off') {
    logger.warn('RECORD_DIR=off: no system of record; the history holds only what Redis keeps');
    return undefined;
  }
  const now = deps.now ?? (() => new Date());
  const db = await (deps.openRecord ?? openRecord)(config.record);
  const writer = new RecordWriter(db);
  const reader = new RecordReader(db, now);
  const audit = new AuditLog(db);
  const workflow = new Workflow(db, audit);
  const deliveries = new DeliveryLog(db);
  const deliveryRecorder = new DeliveryRecorder(
    redis,
    redisKeys(config.common.redisPrefix).notifyAttemptLog,
    deliveries,
    logger,
  );
  const feedback = new FeedbackLog(db, audit);
  const placeOf = async (cameraId: string): Promise<CameraPlace> => {
    const c = await deps.cameras.get(cameraId).catch(() => undefined);
    return c ? { site: c.site, area: c.area, zones: c.zones.map((z) => z.name) } : NO_PLACE;
  };
  const onHold = async (clips: readonly string[], hold: boolean): Promise<void> => {
    if (clips.length === 0) return;
    await (hold ? redis.sadd(deps.legalHoldKey, ...clips) : redis.srem(deps.legalHoldKey, ...clips));
  };
  const views = viewAudit(audit, logger);
  const assets = loadStaticAssets();
  const api = recordRoutes({
    reader,
    feedback,
    writer,
    workflow,
    audit,
    deliveries,
    store: deps.store,
    logger,
    onHold,
    sendPage: (res, name) => assets.send(res, name),
  });
  const exports = exportRoutes({
    reader,
    feedback,
    audit,
    clipsDir: config.common.clipsDir,
    logger,
    ...(deps.thumbnail ? { thumbnail: deps.thumbnail } : {}),
  });
  const reports = reportRoutes({
    db,
    audit,
    logger,
    now,
    utcOffset: config.record.reportUtcOffset,
    chromium: config.tools.chromiumPath,
    ...(deps.thumbnail ? { thumbnail: deps.thumbnail } : {}),
  });

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const retention = async (): Promise<void> => {
    try {
      const r = await runRecordRetention(db, config.record.retentionDays, now());
      if (r.ran && r.heldClips.length) await redis.sadd(deps.legalHoldKey, ...r.heldClips);
      if (r.ran && r.incidents + r.verdicts + r.cameraEvents + r.feedback + r.auditEntries > 0)
        logger.info(r, 'record retention');
    } catch (err) {
      logger.warn({ err: toError(err).message }, 'record retention failed; next round retries');
    }
  };
  const interval = config.record.retentionIntervalMs;
  if (interval > 0) {
    const tick = (): void => {
      running = retention().finally(() => {
        if (timer !== undefined) timer = setTimeout(tick, interval);
      });
    };
    timer = setTimeout(tick, Math.min(interval, 60_000));
  }
  // notify's delivery attempts into the record, every second by default (DeliveryRecorder: at least once, idempotent)
  let copying: Promise<unknown> | undefined;
  const copyDeliveries = setInterval(() => {
    copying ??= deliveryRecorder
      .drainOnce()
      .catch((err: unknown) =>
        logger.warn({ err: toError(err).message }, 'notify deliveries not recorded yet; retrying'),
      )
      .finally(() => (copying = undefined));
  }, deps.deliveryCopyMs ?? DELIVERY_COPY_MS);
  logger.info({ record: db.kind, dir: db.kind === 'pglite' ? config.record.recordDir : undefined }, 'record open');

  return {
    db,
    feedback,
    recorder: {
      alert: async (id, kind, data, at) => writer.alert(id, kind, data, at, await placeOf(data.cameraId)),
      verdict: (id, data) => writer.verdict(id, data),
      camera: (id, data) => writer.camera(id, data),
      observation: (id, mark, at) => writer.observation(id, mark, at),
    },
    routes: async (req, res) =>
      (await views(req, res)) || (await api(req, res)) || (await exports(req, res)) || reports(req, res),
    acknowledgedByLink: async (incidentId, at, recipient, address) => {
      await writer.acknowledge(incidentId, at, recipient, undefined);
      await audit.write(
        { name: recipient, role: 'signed-link', address },
        { action: 'incident.acknowledge', target: incidentId, detail: { via: 'signed link' } },
      );
    },
    stop: async () => {
      clearInterval(copyDeliveries);
      await copying;
      clearTimeout(timer);
      timer = undefined;
      await running;
      await db.close();
    },
  };
}
