/** A satisfiable byte range, inclusive on both ends (as in `Content-Range`). */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Parses an HTTP `Range` header for a resource of `size` bytes (RFC 9110 §14).
 * - `undefined`: no header, not a `bytes` unit, or malformed → serve the whole file (200), as the RFC allows;
 * - `'unsatisfiable'`: → 416 with `Content-Range: bytes *\/size`;
 * - a range: → 206. Multiple ranges are answered with the first one only (browsers send one).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!m || m[1] === undefined) return undefined;
  const first = m[1].split(',')[0]?.trim() ?? '';
  const r = /^(\d*)\s*-\s*(\d*)$/.exec(first);
  if (!r) return undefined;
  const [, a = '', b = ''] = r;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (b !== '' && Number(b) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
