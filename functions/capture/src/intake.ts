import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { clipJobId, type ClipJob } from '../../shared/src/clip-job';
import { lexicalPathProblem, resolveClipPath } from '../../shared/src/clip-path';
import type { Publisher } from '../../shared/src/cloudevents';
import { PathRejectedError, UnrecoverableError, toError } from '../../shared/src/errors';
import { EventType, type ClipRecorded } from '../../shared/src/events';
import type { ClipQueue } from '../../shared/src/queue';
import type { Mp4Check } from './core/mp4-boxes';
import { judgeProbe } from './core/probe-check';
import { probeFile } from './adapters/ffmpeg';
import { checkMp4File } from './adapters/mp4-file';
import { quarantine } from './adapters/quarantine';
import type { CaptureMetrics } from './metrics';

export interface IntakeOptions {
  clipsDir: string;
  queue: ClipQueue;
  publisher: Publisher;
  metrics: CaptureMetrics;
  logger: Logger;
  ffprobePath: string;
  /** Called after a recorder clip is enqueued (camera health). */
  onRecorderClip?: (cameraId: string, at: number) => void;
}

/** Result of taking in one clip. */
export interface IntakeResult {
  job: ClipJob;
  /** False when the same clip id was enqueued before (idempotent re-delivery). */
  enqueued: boolean;
}

/**
 * Handles `clip.recorded`, from our own recorder (in-process) or from outside (HTTP):
 * path guard → validation → quarantine with a reason, or enqueue + `clip.captured`.
 */
export class ClipIntake {
  constructor(private readonly opts: IntakeOptions) {}

  /** @throws UnrecoverableError (→ 422) with the reason when the clip is refused or quarantined. */
  async take(data: ClipRecorded): Promise<IntakeResult> {
    const { clipsDir, metrics, logger } = this.opts;
    const abs = await this.guard(data.path);
    const check = await this.validate(abs, data);
    if (!check.ok) {
      metrics.rejected.inc({ reason: check.code });
      const where = await quarantine(clipsDir, abs, {
        code: check.code, reason: check.reason, from: data.path, at: new Date().toISOString(), cameraId: data.cameraId, event: data,
      });
      logger.warn({ cameraId: data.cameraId, path: data.path, code: check.code, reason: check.reason, quarantined: where }, 'clip rejected');
      throw new UnrecoverableError(`clip rejected (${check.code}): ${check.reason}; moved to ${where}`);
    }
    const startedAt = new Date(data.startedAt);
    const job: ClipJob = {
      v: 1, id: clipJobId(data.cameraId, startedAt), cameraId: data.cameraId,
      path: path.normalize(data.path), startedAt: startedAt.toISOString(),
      durationMs: data.durationMs ?? check.durationMs, bytes: check.bytes, attempt: 0,
    };
    const { enqueued } = await this.opts.queue.enqueue(job);
    const origin = data.origin ?? 'external';
    if (enqueued) {
      metrics.clipsRecorded.inc({ camera: job.cameraId, origin });
      metrics.clipBytes.inc({ camera: job.cameraId }, job.bytes);
      if (data.endedAt) metrics.segmentLag.observe(Math.max(0, Date.now() - Date.parse(data.endedAt)) / 1000);
      // the queue is the source of truth; a slow sink must not hold up the recorder
      this.opts.publisher.publish({ type: EventType.clipCaptured, cameraId: job.cameraId, data: job, id: job.id })
        .catch((err) => logger.warn({ id: job.id, err: toError(err).message }, 'clip.captured not delivered (job is queued)'));
    }
    if (origin === 'recorder') this.opts.onRecorderClip?.(job.cameraId, Date.now());
    return { job, enqueued };
  }

  private async guard(rel: string): Promise<string> {
    const lexical = lexicalPathProblem(rel);
    if (!lexical && rel.split(/[\\/]/).some((seg) => seg.startsWith('.'))) {
      // .staging holds clips ffmpeg is still writing; .quarantine holds evidence: never take from there
      this.opts.metrics.rejected.inc({ reason: 'path' });
      throw new PathRejectedError(`path points into a hidden folder (capture's own staging/quarantine): ${JSON.stringify(rel)}`);
    }
    try {
      return await resolveClipPath(this.opts.clipsDir, rel);
    } catch (err) {
      this.opts.metrics.rejected.inc({ reason: 'path' });
      throw err;
    }
  }

  private async validate(abs: string, data: ClipRecorded): Promise<Mp4Check & { bytes: number }> {
    if (data.origin === 'recorder') return checkMp4File(abs);
    const { size } = await fs.stat(abs);
    if (size === 0) return { ok: false, code: 'empty', reason: 'file is empty (0 bytes)', bytes: 0 };
    try {
      return { ...judgeProbe(await probeFile(abs, this.opts.ffprobePath), size), bytes: size };
    } catch (err) {
      const first = toError(err).message.split('\n').find((l) => /invalid|moov|error|no such/i.test(l)) ?? toError(err).message.split('\n')[0];
      return { ok: false, code: 'probe-failed', reason: `ffprobe cannot read it: ${first ?? 'unknown error'}`, bytes: size };
    }
  }
}
