import fs from 'node:fs';
import path from 'node:path';
import { writeStateFile } from './state-file';
import type { StackRun } from './stack-run';

/** Writes the state file (`npm start` status, doctor and the next run's leftover reaper read it). */
export function writeState(run: StackRun, stoppedAt?: Date): void {
  writeStateFile(run.stateFile, {
    pid: process.pid,
    state: run.state,
    startedAt: run.startedAt.toISOString(),
    ...(stoppedAt ? { stoppedAt: stoppedAt.toISOString() } : {}),
    dashboardUrl: run.dashboardUrl,
    ...(run.authToken ? { loginUrl: run.loginUrl } : {}),
    logsDir: run.logsDir,
    clipsDir: run.c.common.clipsDir,
    events: run.broker ? { sink: run.broker.url, ...run.broker.counts } : undefined,
    redis: {
      url: run.redisUrl,
      prefix: run.c.common.redisPrefix,
      launched: run.redis !== undefined,
      ...(run.redis ? { pid: run.redis.pid } : {}),
    },
    parts: run.parts.map((p) => ({
      name: p.spec.name,
      ...(p.pid !== undefined ? { pid: p.pid } : {}),
      pids: [...p.pids],
      descendants: p.knownPids(),
      url: p.spec.url,
      state: p.state,
      restarts: p.restarts,
      log: p.log.file,
    })),
  });
}

/** Each run starts with fresh logs; the previous run's stay beside them as `<part>.log.1`. */
export function rotateLogs(dir: string): void {
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith('.log')) fs.renameSync(path.join(dir, f), path.join(dir, `${f}.1`));
  }
}
