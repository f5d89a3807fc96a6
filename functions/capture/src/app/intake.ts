import fs from 'node:fs/promises';
import type { Logger } from 'pino';
import { InFlight } from '../../../shared/src/async';
import type { ClipJob, ClipSource } from '../../../shared/src/clip-job';
import { CLIP_FUTURE_SKEW_MS, datedInFuture, identifyClip, type ClipIdentity } from '../../../shared/src/clip-identity';
import type { Publisher } from '../../../shared/src/cloudevents';
import { UnrecoverableError, isUnrecoverable, toError } from '../../../shared/src/errors';
import { EventType, type ClipRecorded } from '../../../shared/src/events';
import type { ClipQueue } from '../../../shared/src/queue';
import type { Mp4Check } from '../core/mp4-boxes';
import { jobStart } from '../core/job-start';
import { judgeProbe } from '../core/probe-check';
import { probeFile } from '../adapters/ffmpeg';
import { checkMp4File } from '../adapters/mp4-file';
import { quarantine } from '../adapters/quarantine';
import { readModelClip } from '../adapters/model-clip-file';
import type { ModelClip } from '../../../shared/src/model-clip';
import type { CaptureMetrics } from '../adapters/metrics';

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
  /** clip.captured publishes still on their way (awaited, bounded, by `drain`). */
  private readonly publishing = new InFlight();

  constructor(private readonly opts: IntakeOptions) {}

  /** Shutdown: waits at most `ms` for the clip.captured publishes still running; false when some were cut off. */
  drain(ms: number): Promise<boolean> {
    return this.publishing.drain(ms);
  }

  /** @throws UnrecoverableError (→ 422) with the reason when the clip is refused or quarantined. */
  async take(data: ClipRecorded, from: ClipSource = { origin: 'external' }): Promise<IntakeResult> {
    const { clipsDir, metrics, logger } = this.opts;
    const { origin } = from;
    if (origin === 'external' && datedInFuture(data.path, data.startedAt, Date.now())) {
      metrics.rejected.inc({ reason: 'future' });
      throw new UnrecoverableError(
        `clip refused: dated in the future (${data.startedAt}, ${data.path}); more than ${CLIP_FUTURE_SKEW_MS / 1000} s of clock skew`,
      );
    }
    const clip = await this.identify(data);
    const model = await this.model(data, clip.path, origin);
    const check = await this.validate(clip.abs, origin);
    if (!check.ok) {
      metrics.rejected.inc({ reason: check.code });
      const where = await quarantine(clipsDir, clip.abs, {
        code: check.code,
        reason: check.reason,
        from: data.path,
        at: new Date().toISOString(),
        cameraId: data.cameraId,
        event: data,
      });
      logger.warn(
        { cameraId: data.cameraId, path: data.path, code: check.code, reason: check.reason, quarantined: where },
        'clip rejected',
      );
      throw new UnrecoverableError(`clip rejected (${check.code}): ${check.reason}; moved to ${where}`);
    }
    // What the clip says beats what the sender says: a forged event racing the recorder to the
    // same clip must not set its time or length (the first announcement's job is the one kept)
    const job: ClipJob = {
      v: 1,
      id: clip.id,
      cameraId: clip.cameraId,
      path: clip.path,
      startedAt: jobStart(clip.path, data.startedAt, origin).toISOString(),
      durationMs: origin === 'recorder' ? (data.durationMs ?? check.durationMs) : check.durationMs,
      bytes: check.bytes,
      attempt: 0,
      ...(model ? { model } : {}),
    };
    const { enqueued, conflictPath } = await this.opts.queue.enqueue(job);
    if (conflictPath !== undefined) {
      metrics.rejected.inc({ reason: 'id-conflict' });
      logger.warn(
        { id: job.id, path: job.path, storedPath: conflictPath },
        'clip refused: its job id is taken by another path',
      );
      throw new UnrecoverableError(`job id ${job.id} is already taken by ${conflictPath}: refused`);
    }
    if (enqueued) {
      metrics.clipsRecorded.inc({ camera: job.cameraId, origin });
      metrics.clipBytes.inc({ camera: job.cameraId }, job.bytes);
      if (data.endedAt) metrics.segmentLag.observe(Math.max(0, Date.now() - Date.parse(data.endedAt)) / 1000);
      // the queue is the source of truth; a slow sink must not hold up the recorder
      // (not awaited; tracked so that stop() waits for it)
      void this.publishing.track(
        this.opts.publisher
          .publish({ type: EventType.clipCaptured, cameraId: job.cameraId, data: job, id: job.id })
          .catch((err) =>
            logger.warn({ id: job.id, err: toError(err).message }, 'clip.captured not delivered (job is queued)'),
          ),
      );
    }
    // liveness from new segments only (issue #18.6): not from recovered or re-announced ones
    // when the clip's media ended (its start stamp + length), not the announce time: a partial
    // clip announced late (its run died with the stream) must not make a dead camera look alive
    if (origin === 'recorder' && from.live)
      this.opts.onRecorderClip?.(job.cameraId, Math.min(Date.now(), Date.parse(job.startedAt) + job.durationMs));
    return { job, enqueued };
  }

  /**
   * The announced model clip, checked and with frames/fps from its header. A path that is not
   * the clip's own model path refuses the event (a forged event must not point the GPU node at
   * another file); a model file that is merely unusable only drops `model` (never lose the clip).
   */
  private async model(data: ClipRecorded, rel: string, origin: ClipSource['origin']): Promise<ModelClip | undefined> {
    if (!data.model) return undefined;
    try {
      return await readModelClip(this.opts.clipsDir, rel, data.model);
    } catch (err) {
      const reason = toError(err).message;
      if (isUnrecoverable(err) && origin === 'external') {
        this.opts.metrics.rejected.inc({ reason: 'path' });
        this.opts.logger.warn(
          { cameraId: data.cameraId, path: data.path, model: data.model.path, reason },
          'clip event refused',
        );
        throw new UnrecoverableError(`model clip refused: ${reason}`);
      }
      this.opts.logger.warn(
        { cameraId: data.cameraId, path: data.path, reason },
        'model clip unusable: clip goes on without it',
      );
      return undefined;
    }
  }

  /** Path guard, camera folder, fingerprint (shared with inference's push path). Refusals are counted and logged. */
  private async identify(data: ClipRecorded): Promise<ClipIdentity> {
    try {
      return await identifyClip(this.opts.clipsDir, data.path, data.cameraId);
    } catch (err) {
      const reason = toError(err).message;
      this.opts.metrics.rejected.inc({ reason: 'path' });
      if (isUnrecoverable(err))
        this.opts.logger.warn({ cameraId: data.cameraId, path: data.path, reason }, 'clip event refused');
      throw err;
    }
  }

  private async validate(abs: string, origin: ClipSource['origin']): Promise<Mp4Check & { bytes: number }> {
    if (origin === 'recorder') return checkMp4File(abs);
    const { size } = await fs.stat(abs);
    if (size === 0) return { ok: false, code: 'empty', reason: 'file is empty (0 bytes)', bytes: 0 };
    try {
      return { ...judgeProbe(await probeFile(abs, this.opts.ffprobePath), size), bytes: size };
    } catch (err) {
      const first =
        toError(err)
          .message.split('\n')
          .find((l) => /invalid|moov|error|no such/i.test(l)) ?? toError(err).message.split('\n')[0];
      return {
        ok: false,
        code: 'probe-failed',
        reason: `ffprobe cannot read it: ${first ?? 'unknown error'}`,
        bytes: size,
      };
    }
  }
}
