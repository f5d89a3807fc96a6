import fs from 'node:fs/promises';
import path from 'node:path';
import { listedTimes, splitSegmentChunk } from '../../core/segment-list';
import { readListed } from '../model-segments';
import { pairRecovered } from '../model-pairer';
import { pairingTolerance } from '../../core/model-pairing';
import { modelFps } from '../../core/recorder-args';
import type { ListedSegment } from '../segment-tail';
import type { ClipPlacer } from './clip-placer';
import { closeRunSalvaging } from './open-segment';
import {
  cameraStagingDir,
  LIST_FILE,
  MODEL_LIST_FILE,
  readAnnounced,
  THUMBS_LIST_FILE,
  ZONES_FILE,
} from './staging-run';
import type { CameraRecorderOptions, StagedModel, StagingContext } from './types';

export type RecoveryContext = StagingContext &
  Pick<CameraRecorderOptions, 'timeoutSeconds' | 'segmentSeconds' | 'ffmpegPath'>;

/**
 * Crash recovery for a camera's run folders other than `currentRunDir` (ours from before a
 * crash, or a dead replica's): listed clips are finished (enqueue is idempotent), unlisted ones
 * quarantined. Folders touched recently may belong to a live ffmpeg and are left for a later pass.
 */
export async function recoverStaging(ctx: RecoveryContext, placer: ClipPlacer, currentRunDir?: string): Promise<void> {
  const graceMs = (ctx.timeoutSeconds + 2 * ctx.segmentSeconds) * 1000;
  const root = cameraStagingDir(ctx);
  const runs = await fs.readdir(root).catch(() => [] as string[]);
  for (const name of runs) {
    const runDir = path.join(root, name);
    if (runDir === currentRunDir) continue;
    const files = await fs.readdir(runDir).catch(() => undefined);
    if (!files) continue;
    const stats = await Promise.all(files.map((f) => fs.stat(path.join(runDir, f)).catch(() => undefined)));
    // the folder's own mtime too: a live ffmpeg may not have written its first file yet
    const dirStat = await fs.stat(runDir).catch(() => undefined);
    if ([dirStat, ...stats].some((s) => s && Date.now() - s.mtimeMs < graceMs)) continue;
    const listedAt = stats[files.indexOf(LIST_FILE)]?.mtimeMs ?? Date.now();
    await recoverRun(ctx, placer, { runDir, name, files, listedAt });
  }
}

async function recoverRun(
  ctx: RecoveryContext,
  placer: ClipPlacer,
  run: { runDir: string; name: string; files: string[]; listedAt: number },
): Promise<void> {
  const { runDir, files } = run;
  const text = await fs.readFile(path.join(runDir, LIST_FILE), 'utf8').catch(() => '');
  const { entries } = splitSegmentChunk('', text.endsWith('\n') ? text : `${text}\n`);
  const announced = await readAnnounced(runDir);
  let failures = 0;
  let skipped = 0;
  const modelList = await readListed(path.join(runDir, MODEL_LIST_FILE));
  const thumbList = await readListed(path.join(runDir, THUMBS_LIST_FILE));
  const pairs = ctx.model ? pairRecovered(entries, modelList, pairingTolerance(modelFps(ctx.model))) : [];
  const closedAt = listedTimes(entries, run.listedAt);
  const zonesHash = (await fs.readFile(path.join(runDir, ZONES_FILE), 'utf8').catch(() => '')).trim() || undefined;
  for (const [n, e] of entries.entries()) {
    const file = path.basename(e.file);
    if (announced.has(file)) {
      skipped++;
      continue;
    }
    const seg: ListedSegment = { ...e, listedAt: closedAt[n]! };
    const j = pairs[n];
    const clip = j === undefined ? undefined : modelList[j]?.file;
    const thumbs = j === undefined ? undefined : thumbList[j]?.file;
    const model: StagedModel | undefined =
      clip !== undefined && files.includes(clip)
        ? { clip, thumbs: thumbs !== undefined && files.includes(thumbs) ? thumbs : undefined, zonesHash }
        : undefined;
    if (files.includes(file)) failures += (await placer.finish(runDir, seg, model, false)) ? 0 : 1;
    else failures += (await placer.reannounce(runDir, seg)) ? 0 : 1;
  }
  ctx.logger.info(
    { cameraId: ctx.cameraId, run: run.name, listed: entries.length, alreadyAnnounced: skipped },
    'recovered a previous run’s staging folder',
  );
  await closeRunSalvaging(ctx, placer, runDir, failures);
}
