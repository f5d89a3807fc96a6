import type { Server } from 'node:http';
import bodyParser from 'body-parser';

/** @default 1 MiB: a CloudEvent of ours is ~1 KB; the largest (an alert at its schema maxima) stays well below. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Deeper JSON than this is refused before parsing (ours is at most 4 levels deep). */
export const MAX_JSON_DEPTH = 64;

/**
 * Pure: how deeply `text` nests `{`/`[` (outside strings), stopping at the first level past
 * `max`. A linear scan, so a hostile body costs one pass, not a recursive parse.
 * @returns the problem, or undefined
 */
export function jsonDepthProblem(text: string | Buffer, max = MAX_JSON_DEPTH): string | undefined {
  const s = typeof text === 'string' ? text : text.toString('utf8');
  let depth = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped char
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return `JSON nested deeper than ${max} levels: refused`;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

/** Marks an error thrown from a body parser's `verify` hook (body-parser turns it into a 403; we answer 400). */
export const JSON_TOO_DEEP = 'entity.too.deep';

type RawReq = { rawBody?: Buffer };
type Layer = { name: string; handle: unknown };

/**
 * functions-framework parses every body with body-parser at `limit: '1024mb'` before any
 * handler runs (functions-framework-nodejs `src/server.ts`, `requestLimit = '1024mb'`; v5.0.5
 * here), so a 300 MB POST was buffered whole. Its parser layers are swapped for the same
 * parsers (same types, same `rawBody` saving) with `limit: maxBodyBytes`: body-parser/raw-body
 * refuse a larger Content-Length with 413 before reading, and stop a chunked body with 413 as
 * soon as it passes the limit (raw-body README: "limit … If the body ends up being larger than
 * this limit, a 413 error code is returned"). JSON also gets a depth check before JSON.parse.
 * @throws Error when FF's parser layers are not where v5 puts them (an upgrade must not silently drop the limit)
 */
export function limitRequestBodies(server: Server, maxBodyBytes: number): void {
  const app = server.listeners('request')[0] as unknown as { router?: { stack?: Layer[] } } | undefined;
  const stack = app?.router?.stack;
  const limit = maxBodyBytes;
  const saveRaw = (req: unknown, _res: unknown, buf: Buffer) => void ((req as RawReq).rawBody = buf);
  const checkedJson = (req: unknown, res: unknown, buf: Buffer) => {
    saveRaw(req, res, buf);
    const problem = jsonDepthProblem(buf);
    if (problem) throw Object.assign(new Error(problem), { type: JSON_TOO_DEEP });
  };
  // in FF's order: cloudevents+json, json, text, urlencoded, raw (*/*)
  const replacements: Record<string, unknown[]> = {
    jsonParser: [
      bodyParser.json({ type: 'application/cloudevents+json', limit, verify: checkedJson }),
      bodyParser.json({ limit, verify: checkedJson }),
    ],
    textParser: [bodyParser.text({ limit, verify: saveRaw })],
    urlencodedParser: [bodyParser.urlencoded({ limit, verify: saveRaw, extended: true })],
    rawParser: [bodyParser.raw({ limit, verify: saveRaw, type: '*/*' })],
  };
  let swapped = 0;
  for (const layer of stack ?? []) {
    const next = replacements[layer.name]?.shift();
    if (next) {
      layer.handle = next;
      swapped++;
    }
  }
  if (swapped !== 5)
    throw new Error(
      `functions-framework's body parsers not found (${swapped} of 5): the request body limit cannot be enforced`,
    );
}
