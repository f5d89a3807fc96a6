import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ClipJob } from './clip-job';
import { lexicalPathProblem, resolveClipPath } from './clip-path';
import { PathRejectedError, UnrecoverableError } from './errors';

/**
 * What a clip *is*, and the job id that follows from it (issue #18.1).
 *
 * The id was once `<cameraId>-<startedAt>`, both taken from the sender: a forged event could
 * claim the id of another camera's next clip and the queue's once-per-id dedup dropped the real
 * one. Now the id is derived from the file itself: its camera folder, the name our recorder gave
 * it, and a fingerprint of its content. Whoever announces a clip can only announce that clip.
 *
 * The fingerprint is content (size + first and last {@link FINGERPRINT_BYTES}), not dev:inode:
 * capture and inference mount the shared volume separately, and st_dev differs per mount, while
 * inode numbers are only as stable as the volume driver makes them. Content reads the same on
 * every mount. 8 KiB per clip is read once at intake and once on a push.
 */
export const FINGERPRINT_BYTES = 4096;

/** The clip's identity as capture and inference compute it. */
export interface ClipIdentity {
  /** `<camera>-<name>-<fingerprint>`, e.g. `cam3-20261128T204000Z-1a2b3c4d5e6f`. */
  id: string;
  /** The camera folder (first path segment), which is the clip's camera. */
  cameraId: string;
  /** Normalised path relative to CLIPS_DIR. */
  path: string;
  /** Real absolute path (after the guard), to open. */
  abs: string;
  bytes: number;
}

const ID_NAME_MAX = 160;

/**
 * Pure: the path must be `<cameraId>/<name…>`; a clip's camera is its folder.
 * @returns the problem, or undefined when the path belongs to the camera
 */
export function cameraFolderProblem(cameraId: string, relPath: string): string | undefined {
  const segs = path
    .normalize(relPath)
    .split(/[\\/]/)
    .filter((s) => s !== '' && s !== '.');
  if (segs.length < 2) return `path must be <cameraId>/<file> inside CLIPS_DIR, got ${JSON.stringify(relPath)}`;
  if (segs[0] !== cameraId)
    return `cameraId ${JSON.stringify(cameraId)} does not match the clip's folder ${JSON.stringify(segs[0])}`;
  return undefined;
}

/** Pure: the id from the folder, the path below it and the content fingerprint. */
export function clipIdFrom(relPath: string, fingerprint: string): string {
  const segs = path
    .normalize(relPath)
    .split(/[\\/]/)
    .filter((s) => s !== '' && s !== '.');
  const camera = segs[0] ?? '';
  const name = segs
    .slice(1)
    .join('_')
    .replace(/\.mp4$/i, '')
    .replace(/[^A-Za-z0-9_-]/g, '_')
    .slice(0, ID_NAME_MAX);
  return `${camera}-${name}-${fingerprint}`;
}

/**
 * Pure: the start time our recorder put in a clip's name (`<camera>/20261128T204000Z.mp4`), or
 * undefined for any other name. For such a clip the name, not the sender, says when it began.
 */
/**
 * How far in the future a clip's start may lie (clock skew between a camera or NVR and us) before
 * it is refused (issue #28.19 of the probe, #28.13 of the issue): a clip dated 2030 otherwise
 * stayed "the newest clip" of its camera, and its tile, until someone deleted it.
 */
export const CLIP_FUTURE_SKEW_MS = 60_000;

/**
 * True when the clip's start is beyond the skew: its file-name stamp when it has one (the stamp is
 * what the job keeps, whatever the sender says), else the announced time.
 */
export function datedInFuture(relPath: string, announcedStart: string | undefined, nowMs: number): boolean {
  const start = stampedStart(relPath)?.getTime() ?? (announcedStart === undefined ? NaN : Date.parse(announcedStart));
  return start > nowMs + CLIP_FUTURE_SKEW_MS;
}

export function stampedStart(relPath: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.mp4$/.exec(path.basename(relPath));
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** sha256 over the size and the first and last {@link FINGERPRINT_BYTES}; 12 hex digits. */
export async function fingerprintFile(abs: string): Promise<{ fingerprint: string; bytes: number }> {
  const handle = await fs.open(abs, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(FINGERPRINT_BYTES, size));
    await handle.read(head, 0, head.length, 0);
    const tailLen = Math.min(FINGERPRINT_BYTES, Math.max(0, size - head.length));
    const tail = Buffer.alloc(tailLen);
    if (tailLen > 0) await handle.read(tail, 0, tailLen, size - tailLen);
    const hash = createHash('sha256').update(`${size}\n`).update(head).update(tail).digest('hex');
    return { fingerprint: hash.slice(0, 12), bytes: size };
  } finally {
    await handle.close();
  }
}

/**
 * Guards the path (inside CLIPS_DIR, regular file, no hidden folder), checks that `cameraId`
 * is the clip's folder — both as written and after symlinks — and fingerprints it.
 * @throws PathRejectedError / UnrecoverableError with the reason (→ 422; nothing is moved)
 */
export async function identifyClip(clipsDir: string, relPath: string, cameraId: string): Promise<ClipIdentity> {
  const lexical = lexicalPathProblem(relPath);
  if (lexical) throw new PathRejectedError(`${lexical}: ${JSON.stringify(relPath)}`);
  const rel = path.normalize(relPath);
  if (rel.split(/[\\/]/).some((seg) => seg.startsWith('.') && seg !== '.')) {
    // .staging holds clips ffmpeg is still writing; .quarantine holds evidence: never take from there
    throw new PathRejectedError(
      `path points into a hidden folder (capture's own staging/quarantine): ${JSON.stringify(relPath)}`,
    );
  }
  const folder = cameraFolderProblem(cameraId, rel);
  if (folder) throw new UnrecoverableError(folder);
  const abs = await resolveClipPath(clipsDir, rel);
  const root = await fs.realpath(clipsDir);
  const real = path.relative(root, abs);
  const realFolder = cameraFolderProblem(cameraId, real);
  if (realFolder) throw new PathRejectedError(`after symlinks, ${realFolder}`);
  const { fingerprint, bytes } = await fingerprintFile(abs);
  return { id: clipIdFrom(rel, fingerprint), cameraId, path: rel, abs, bytes };
}

/**
 * For a job that came over the network (inference's push path): the id must be the one the
 * clip's own identity gives, and the camera its folder. A forged event naming another
 * camera's (future) job id is refused before anything is judged or stored.
 * @throws UnrecoverableError with the reason (→ 422)
 */
export async function verifyClipJob(
  clipsDir: string,
  job: Pick<ClipJob, 'id' | 'cameraId' | 'path'>,
): Promise<ClipIdentity> {
  const identity = await identifyClip(clipsDir, job.path, job.cameraId);
  if (identity.id !== job.id) {
    throw new UnrecoverableError(
      `job id ${JSON.stringify(job.id)} is not the id of the clip at ${JSON.stringify(identity.path)} (${identity.id}): refused`,
    );
  }
  return identity;
}
