import http from 'node:http';
import { SimHttpError, badRequest } from './core/errors';
import { parseChatRequest } from './core/request';
import { mergeFaults, type Faults } from './core/faults';
import { complete, type EngineDeps } from './completions';
import type { Logger } from '../../../functions/shared/src/logger';

/** Largest request body accepted (inline frames of a few-shot prompt are a few MB). */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

function send(res: http.ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SimHttpError(413, 'BadRequestError', 'Request body too large');
    chunks.push(c as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw badRequest(`Request body is not valid JSON: ${(e as Error).message}`);
  }
}

/** The server's mutable state that the HTTP layer reads and the fault endpoint writes. */
export interface ServerState {
  faults: Faults;
}

const unavailable = () =>
  new SimHttpError(503, 'ServiceUnavailableError', 'vllm-sim: engine unhealthy (fault injected)');

/** Routes of the OpenAI-compatible surface plus /sim/faults. Thin: parsing and answering only. */
export function createHandler(deps: EngineDeps, state: ServerState, log: Logger): http.RequestListener {
  return (req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    const route = `${req.method} ${url}`;
    const run = async (): Promise<void> => {
      switch (route) {
        case 'GET /health':
          if (state.faults.unhealthy) throw unavailable();
          return send(res, 200, '', 'text/plain');
        case 'GET /v1/models':
          return send(res, 200, {
            object: 'list',
            data: [
              {
                id: deps.model,
                object: 'model',
                created: Math.floor(Date.now() / 1000),
                owned_by: 'vllm-sim',
                root: deps.model,
                parent: null,
              },
            ],
          });
        case 'GET /metrics':
          return send(res, 200, await deps.metrics.registry.metrics(), deps.metrics.registry.contentType);
        case 'GET /version':
          return send(res, 200, { version: deps.vllmVersion, simulator: 'vllm-sim' });
        case 'POST /reset_prefix_cache':
          deps.cache.clear();
          return send(res, 200, '', 'text/plain');
        case 'GET /sim/faults':
          return send(res, 200, state.faults);
        case 'POST /sim/faults':
          try {
            state.faults = mergeFaults(state.faults, await readJson(req));
          } catch (e) {
            throw e instanceof SimHttpError ? e : badRequest((e as Error).message);
          }
          return send(res, 200, state.faults);
        case 'POST /v1/chat/completions': {
          if (state.faults.unhealthy) throw unavailable();
          const body = await readJson(req);
          return send(res, 200, await complete(parseChatRequest(body), deps));
        }
        default:
          throw new SimHttpError(404, 'NotFoundError', `No route ${route}`);
      }
    };
    run().catch((err: unknown) => {
      const e =
        err instanceof SimHttpError
          ? err
          : new SimHttpError(500, 'InternalServerError', (err as Error)?.message ?? String(err));
      if (e.status >= 500 && e.status !== 503) log.error({ err }, 'request failed');
      if (url === '/v1/chat/completions') deps.metrics.failed();
      if (!res.headersSent) send(res, e.status, e.toBody());
      else res.destroy();
    });
  };
}
