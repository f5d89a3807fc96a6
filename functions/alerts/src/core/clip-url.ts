import { lexicalPathProblem } from '../../../shared/src/clip-path';

/** Result of turning a request path into a clip path relative to CLIPS_DIR. */
export type ClipUrlResult = { ok: true; relPath: string } | { ok: false; status: 400; reason: string };

/**
 * Decodes the part of a URL path after a route prefix (e.g. `/clips/`) into a relative clip
 * path and applies the lexical checks of the path guard: percent-decoding happens once, here,
 * so `%2e%2e`, `%2f` and friends are judged after decoding. The caller still runs
 * `resolveClipPath` (symlinks, existence) before opening anything.
 */
export function clipPathFromUrl(rawPath: string, prefix: string): ClipUrlResult {
  if (!rawPath.startsWith(prefix)) return { ok: false, status: 400, reason: `path must start with ${prefix}` };
  let rel: string;
  try {
    rel = decodeURIComponent(rawPath.slice(prefix.length));
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding' };
  }
  const problem = lexicalPathProblem(rel);
  if (problem) return { ok: false, status: 400, reason: problem };
  return { ok: true, relPath: rel };
}

/**
 * {@link clipPathFromUrl}, and no dot segment: capture's `.staging` (clips being written),
 * `.quarantine` (evidence) and `.model` folders are never served by clip path (issue #18.8).
 */
export function servedClipPath(
  rawPath: string,
  prefix: string,
): ClipUrlResult | { ok: false; status: 404; reason: string } {
  const parsed = clipPathFromUrl(rawPath, prefix);
  if (parsed.ok && parsed.relPath.split(/[\\/]/).some((seg) => seg.startsWith('.')))
    return { ok: false, status: 404, reason: 'not found' };
  return parsed;
}

/** Builds the dashboard URL of a clip (each segment percent-encoded). */
export function clipUrl(relPath: string): string {
  return `/clips/${relPath.split('/').map(encodeURIComponent).join('/')}`;
}
