import fs from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { resolveClipPath } from '../../../functions/shared/src/clip-path';
import type { Config } from '../../../functions/shared/src/config';
import { toError } from '../../../functions/shared/src/errors';
import { correctedHazards, FeedbackRecordSchema, type FeedbackRecord } from '../../../functions/shared/src/feedback';
import { redisKeys } from '../../../functions/shared/src/keys';
import { formatLabel, statusOf, type Label } from '../core/dataset';

/** One clip's label from the feedback on it: the model's hazards minus false alarms plus missed ones. */
export function labelFromFeedback(clipPath: string, records: readonly FeedbackRecord[]): Label {
  const hazards = correctedHazards(records);
  const first = records[0]!;
  const said = [...new Set(records.flatMap((r) => r.predicted.hazards))].sort();
  return {
    clip: `clips/${clipPath}`,
    cameraId: first.cameraId,
    status: statusOf(hazards),
    hazards,
    note: `operator feedback; model said ${said.join(', ') || 'safe'}: ${records.map((r) => `${r.kind.replace('_', ' ')} ${r.hazards.join(', ')} (${r.by})`).join('; ')}`,
    source: {
      generator: 'eval export-feedback',
      clipPath,
      feedback: records.map(({ target, kind, hazards: h, by, at, note }) => ({
        target,
        kind,
        hazards: h,
        by,
        at,
        ...(note ? { note } : {}),
      })),
    },
  };
}

/**
 * `eval export-feedback --out DIR`: every clip operators marked (REDIS_URL/REDIS_PREFIX), copied
 * from CLIPS_DIR through the path guard, with its corrected label, as a dataset (labels.jsonl +
 * clips/<camera>/<stamp>.mp4). A clip that is gone or outside CLIPS_DIR is skipped and named.
 */
export async function exportFeedback(
  config: Config,
  o: { out: string },
): Promise<{ clips: number; skipped: string[] }> {
  const labelsFile = path.join(o.out, 'labels.jsonl');
  if (
    await fs.stat(labelsFile).then(
      () => true,
      () => false,
    )
  )
    throw new Error(`${labelsFile} exists: export into an empty folder (then merge the lines you want)`);
  const redis = new Redis(config.common.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  let rows: string[];
  try {
    await redis.connect();
    rows = await redis.hvals(redisKeys(config.common.redisPrefix).feedback);
  } catch (err) {
    throw new Error(`cannot read feedback from Redis at ${config.common.redisUrl}: ${toError(err).message}`, {
      cause: err,
    });
  } finally {
    redis.disconnect();
  }
  const skipped: string[] = [];
  const byClip = new Map<string, FeedbackRecord[]>();
  for (const raw of rows) {
    const r = FeedbackRecordSchema.safeParse(JSON.parse(raw));
    if (!r.success) {
      skipped.push(`unreadable feedback record: ${raw.slice(0, 120)}`);
      continue;
    }
    byClip.set(r.data.clipPath, [...(byClip.get(r.data.clipPath) ?? []), r.data]);
  }
  const labels: Label[] = [];
  for (const [clipPath, records] of [...byClip].sort(([a], [b]) => a.localeCompare(b))) {
    try {
      const real = await resolveClipPath(config.common.clipsDir, clipPath);
      const label = labelFromFeedback(
        clipPath,
        records.sort((a, b) => a.at.localeCompare(b.at)),
      );
      await fs.mkdir(path.dirname(path.join(o.out, label.clip)), { recursive: true });
      await fs.copyFile(real, path.join(o.out, label.clip));
      labels.push(label);
    } catch (err) {
      skipped.push(`${clipPath}: ${toError(err).message}`);
    }
  }
  await fs.mkdir(o.out, { recursive: true });
  if (labels.length) await fs.writeFile(labelsFile, labels.map(formatLabel).join('\n') + '\n');
  return { clips: labels.length, skipped };
}
