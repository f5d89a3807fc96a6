import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { parseRange } from '../core/range';

/**
 * Streams a file that already passed the path guard, with HTTP Range support (browsers need
 * 206 answers to play and seek `<video>`): 206 for a satisfiable range, 416 otherwise, 200 for
 * the whole file; HEAD answers the headers only. The file is opened once and served from
 * that descriptor, so a swap after the guard cannot change what is sent.
 */
export async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  realPath: string,
  contentType: string,
): Promise<void> {
  const handle = await fs.promises.open(realPath, 'r');
  try {
    const stat = await handle.stat();
    const size = stat.size;
    const range = parseRange(req.headers.range, size);
    const common = {
      'accept-ranges': 'bytes',
      'content-type': contentType,
      'cache-control': 'private, max-age=3600',
      'last-modified': stat.mtime.toUTCString(),
    };
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...common, 'content-range': `bytes */${size}`, 'content-length': 0 });
      return void res.end();
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const length = size === 0 ? 0 : end - start + 1;
    res.writeHead(range ? 206 : 200, {
      ...common,
      'content-length': length,
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (req.method === 'HEAD' || length === 0) return void res.end();
    const stream = handle.createReadStream({ start, end, autoClose: false });
    await pipeline(stream, res).catch(() => undefined); // the browser aborting a range read is normal
  } finally {
    await handle.close();
  }
}

/**
 * Serves bytes made in memory (an H.264 copy, renditions.ts) the way {@link sendFile} serves a
 * file: Range → 206 (the player seeks by ranges), 416 when unsatisfiable, else 200.
 */
export function sendBuffer(req: IncomingMessage, res: ServerResponse, body: Buffer, contentType: string): void {
  const size = body.length;
  const range = parseRange(req.headers.range, size);
  const common = { 'accept-ranges': 'bytes', 'content-type': contentType, 'cache-control': 'private, max-age=3600' };
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...common, 'content-range': `bytes */${size}`, 'content-length': 0 });
    return void res.end();
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  res.writeHead(range ? 206 : 200, {
    ...common,
    'content-length': end - start + 1,
    ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body.subarray(start, end + 1));
}
