import fs from 'node:fs/promises';
import path from 'node:path';
import { PathRejectedError } from './errors';

/**
 * Purely lexical checks (docs/architecture.md §3.4): no absolute path, no `..` segment, no NUL,
 * no backslash tricks. Runs before anything touches the file system.
 */
export function lexicalPathProblem(relPath: string): string | undefined {
  if (relPath.length === 0) return 'path is empty';
  if (relPath.includes('\0')) return 'path contains a NUL byte';
  if (
    path.isAbsolute(relPath) ||
    path.win32.isAbsolute(relPath) ||
    relPath.startsWith('/') ||
    relPath.startsWith('\\')
  ) {
    return 'path is absolute; it must be relative to CLIPS_DIR';
  }
  if (relPath.split(/[\\/]/).some((seg) => seg === '..')) return 'path contains ".."';
  return undefined;
}

/**
 * Resolves a job path inside `clipsDir` and proves it stays there: rejects absolute paths,
 * `..`, symlinks that resolve outside (after realpath of both sides) and anything that
 * is not a regular file. Opens nothing; returns the real absolute path to open.
 * @throws PathRejectedError with the reason (never retried: dead-letter the job).
 */
export async function resolveClipPath(clipsDir: string, relPath: string): Promise<string> {
  const lexical = lexicalPathProblem(relPath);
  if (lexical) throw new PathRejectedError(`${lexical}: ${JSON.stringify(relPath)}`);
  const root = await fs.realpath(clipsDir).catch(() => {
    throw new PathRejectedError(`CLIPS_DIR ${clipsDir} does not exist`);
  });
  let real: string;
  try {
    real = await fs.realpath(path.join(root, relPath));
  } catch {
    throw new PathRejectedError(`clip does not exist: ${JSON.stringify(relPath)}`);
  }
  if (!isInside(root, real)) throw new PathRejectedError(`path resolves outside CLIPS_DIR: ${JSON.stringify(relPath)}`);
  const stat = await fs.lstat(real);
  if (!stat.isFile()) throw new PathRejectedError(`not a regular file: ${JSON.stringify(relPath)}`);
  return real;
}

/** True when `candidate` is `root` itself or below it (both absolute and normalised). */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
