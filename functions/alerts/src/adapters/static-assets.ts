import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { HAZARD_TYPES, STATUS_LABEL_KO } from '../../../shared/src/verdict';
import { formatDuration } from '../core/format';
import { FILL_ALPHA, KIND_RGB } from '../../../shared/src/zones/overlay-style';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
};

/** The dashboard's files, read once at start-up (self-served: the page needs no external network). */
export interface StaticAssets {
  /** Sends a known asset (404 for any other name: names are looked up, never joined into paths). */
  send(res: ServerResponse, name: string): void;
}

/**
 * Loads `public/` into memory. `app.js` is prefixed with the server's own `formatDuration`
 * source and the shared labels, so browser and server agree without a bundler.
 */
export function loadStaticAssets(dir = path.join(__dirname, '..', '..', 'public')): StaticAssets {
  const files = new Map<string, Buffer>();
  for (const name of fs.readdirSync(dir)) files.set(name, fs.readFileSync(path.join(dir, name)));
  const app = files.get('app.js');
  if (app) {
    const prelude = [
      '"use strict";',
      `const formatDuration = ${formatDuration.toString()};`,
      `const STATUS_LABEL_KO = ${JSON.stringify(STATUS_LABEL_KO)};`,
      `const HAZARD_TYPES = ${JSON.stringify(HAZARD_TYPES)};`,
      '',
    ].join('\n');
    files.set('app.js', Buffer.concat([Buffer.from(prelude), app]));
  }
  const cameras = files.get('cameras.js');
  if (cameras) {
    // the editor draws zones in the colours the model's overlay uses (shared/src/zones)
    const prelude = [
      '"use strict";',
      `const KIND_RGB = ${JSON.stringify(KIND_RGB)};`,
      `const FILL_ALPHA = ${FILL_ALPHA};`,
      '',
    ].join('\n');
    files.set('cameras.js', Buffer.concat([Buffer.from(prelude), cameras]));
  }
  return {
    send(res, name) {
      const body = files.get(name);
      if (!body) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: `no asset ${name}` }));
      }
      res.writeHead(200, {
        'content-type': TYPES[path.extname(name)] ?? 'application/octet-stream',
        'content-length': body.length,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      });
      res.end(body);
    },
  };
}
