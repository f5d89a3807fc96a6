import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startAlerts, type AlertsDeps, type RunningAlerts } from '../../alerts/src';
import type { Config } from '../../shared/src/config';
import { deleteKeysUnder, withRedis } from '../../../test/support';
import { createThrowawayDatabase } from '../../../test/support/record-db';
import { startNotify, type NotifyDeps, type RunningNotify } from '../src/app/start-notify';
import { notifyConfig } from './helpers';

/** Real alerts and real notify on one Redis prefix, one clips folder and a throwaway record database. */
export interface NotifyStack {
  readonly alerts: RunningAlerts;
  readonly notify: RunningNotify;
  readonly prefix: string;
  /** The throwaway record database's URL. */
  readonly databaseUrl: string;
  /** notify, alerts, the database, the clips folder and the Redis keys, in that order. */
  stop(): Promise<void>;
}

/**
 * Starts alerts (`alerts`: its deps) and then notify for one test file; `env` adds to
 * notifyConfig (CLIPS_DIR, NUM_STREAMS=1 and DATABASE_URL are set here); `notify` gives notify's
 * config and deps once alerts' URL is known. Pieces already started are stopped by `stop()`
 * even when a later one fails to start, so the caller's afterAll only calls it.
 */
export async function startNotifyStack(
  tag: string,
  env: Record<string, string>,
  o: { alerts?: AlertsDeps; notify?: (config: Config, alertsUrl: string) => [Config, NotifyDeps] } = {},
): Promise<NotifyStack> {
  const db = await createThrowawayDatabase();
  const clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), `notify-${tag}-`));
  const { config, prefix } = notifyConfig({ CLIPS_DIR: clipsDir, NUM_STREAMS: '1', DATABASE_URL: db.url, ...env });
  let alerts: RunningAlerts | undefined;
  let notify: RunningNotify | undefined;
  const stop = async () => {
    await notify?.stop();
    await alerts?.stop();
    await db.drop();
    await fs.rm(clipsDir, { recursive: true, force: true });
    await withRedis((r) => deleteKeysUnder(r, prefix));
  };
  try {
    alerts = await startAlerts(config, { port: 0, ...o.alerts });
    const [notifyConfigured, deps] = o.notify ? o.notify(config, alerts.url) : [config, {}];
    notify = await startNotify(notifyConfigured, deps);
  } catch (err) {
    await stop();
    throw err;
  }
  return { alerts, notify, prefix, databaseUrl: db.url, stop };
}
