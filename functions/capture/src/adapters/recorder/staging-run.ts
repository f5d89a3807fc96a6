import fs from 'node:fs/promises';
import path from 'node:path';
import { toError } from '../../../../shared/src/errors';
import { quarantine, STAGING_DIR } from '../quarantine';
import type { StagingContext } from './types';

/**
 * The file layout of one run folder, `CLIPS_DIR/.staging/<camera>/<replica>-<ms>/`: what ffmpeg
 * writes there (segments, their lists, the model clips and thumbnails) and what the recorder adds.
 */
export const LIST_FILE = 'list.csv';
export const MODEL_LIST_FILE = 'model.csv';
export const THUMBS_LIST_FILE = 'thumbs.csv';
export const ZONES_FILE = 'zones.txt';
/**
 * Beside the segment list: one staged file name per line, appended once its clip was handed
 * over. Recovery skips these, so a run kept for a retry is not re-announced whole when Redis
 * came back empty and its dedup keys are gone (issue #18.6).
 */
export const ANNOUNCED_FILE = 'announced.txt';

/** `CLIPS_DIR/.staging/<camera>`: the parent of the camera's run folders. */
export function cameraStagingDir(ctx: StagingContext): string {
  return path.join(ctx.clipsDir, STAGING_DIR, ctx.cameraId);
}

/** Remembers a handed-over segment beside the list; best effort (a full disk only costs a duplicate later). */
export async function markAnnounced(ctx: StagingContext, runDir: string, file: string): Promise<void> {
  await fs.appendFile(path.join(runDir, ANNOUNCED_FILE), `${file}\n`).catch((err: unknown) => {
    ctx.logger.warn(
      { cameraId: ctx.cameraId, file, err: toError(err).message },
      'could not note the clip as announced (it may be announced again by a recovery)',
    );
  });
}

/** The staged file names of a run already handed over (ANNOUNCED_FILE). */
export async function readAnnounced(runDir: string): Promise<Set<string>> {
  const text = await fs.readFile(path.join(runDir, ANNOUNCED_FILE), 'utf8').catch(() => '');
  return new Set(text.split('\n').filter((l) => l !== ''));
}

/**
 * After a run: a segment never listed is the open one of a killed recorder. `salvage` may rebuild
 * it as a clip (open-segment.ts); what it does not take is a partial clip → quarantine. Then the
 * run folder is dropped.
 */
export async function closeRun(
  ctx: StagingContext,
  runDir: string,
  failures: number,
  salvage?: (file: string) => Promise<boolean>,
): Promise<void> {
  if (failures > 0) return; // keep the CSV: the next recovery re-enqueues (idempotent)
  await quarantineUnlisted(ctx, runDir, salvage);
  await fs.rm(runDir, { recursive: true, force: true });
}

/** Derived files (model clip, thumbnails, their lists) are no evidence: dropped with the run. */
function isDerived(f: string): boolean {
  return (
    f === MODEL_LIST_FILE ||
    f === THUMBS_LIST_FILE ||
    f === ZONES_FILE ||
    f.startsWith('model-') ||
    f.startsWith('thumbs-')
  );
}

async function quarantineUnlisted(
  ctx: StagingContext,
  runDir: string,
  salvage?: (file: string) => Promise<boolean>,
): Promise<void> {
  for (const f of (await fs.readdir(runDir)).sort()) {
    if (f === LIST_FILE || f === ANNOUNCED_FILE || isDerived(f)) continue;
    if (salvage && (await salvage(f))) continue;
    const abs = path.join(runDir, f);
    await quarantine(ctx.clipsDir, abs, {
      code: 'partial',
      reason: 'segment never listed by the segmenter (recorder stopped mid-clip)',
      from: path.relative(ctx.clipsDir, abs),
      at: new Date().toISOString(),
      cameraId: ctx.cameraId,
    });
    ctx.metrics.rejected.inc({ reason: 'partial' });
  }
}
