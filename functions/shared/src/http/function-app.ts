import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import {
  http as registerHttp,
  type HttpFunction,
  type Request,
  type Response,
} from '@google-cloud/functions-framework';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { failureStatus, toError } from '../errors';
import type { EventTypeName } from '../events';
import { receiveCloudEvent, type ReceivedEvent } from '../cloudevents/receive';
import { DEFAULT_MAX_BODY_BYTES, JSON_TOO_DEEP, jsonDepthProblem, limitRequestBodies } from './body-limits';
import { within } from '../async';

export type { Request, Response };

export interface Readiness {
  ready: boolean;
  /** Shown on /readyz: which dependency is down and what to do. */
  detail?: Record<string, unknown>;
}

export interface FunctionAppOptions {
  /** Function name, as `functions-framework --target=<name>` would use. */
  name: string;
  /** CloudEvent types POST / accepts; anything else is 400. */
  accepted: readonly EventTypeName[];
  /** Handles one validated CloudEvent. Throw UnrecoverableError → 422; anything else → 503 "retry later" (Knative redelivers); see errors.ts failurePolicy. */
  onEvent: (event: ReceivedEvent) => Promise<unknown>;
  readiness: () => Promise<Readiness>;
  registry: Registry;
  logger: Logger;
  /** Extra routes (dashboard, APIs). Return true when the request was handled. */
  routes?: (req: Request, res: Response) => Promise<boolean> | boolean;
}

/**
 * The HTTP surface every Safety-Hanta function shares, as one functions-framework `http`
 * function: POST / takes a CloudEvent (binary or structured; malformed → 400 with the reason,
 * nothing changed), GET /healthz, /readyz and /metrics. An http function rather than FF's
 * `cloudEvent` signature, because only here can a malformed event get a 400 with its reason.
 */
export function createFunctionHandler(opts: FunctionAppOptions): HttpFunction {
  return async (req: Request, res: Response) => {
    try {
      if (req.method === 'GET' && req.path === '/healthz')
        return void res.status(200).json({ status: 'ok', function: opts.name });
      if (req.method === 'GET' && req.path === '/readyz') {
        // a dependency that hangs (a PING queued on a dead Redis connection) must not hang the probe
        const r = await within(opts.readiness(), READINESS_TIMEOUT_MS, {
          ready: false,
          detail: { error: `readiness check took longer than ${READINESS_TIMEOUT_MS} ms` },
        });
        return void res.status(r.ready ? 200 : 503).json({ ready: r.ready, ...(r.detail ?? {}) });
      }
      if (req.method === 'GET' && req.path === '/metrics') {
        res.setHeader('content-type', opts.registry.contentType);
        return void res.status(200).send(await opts.registry.metrics());
      }
      if (opts.routes && (await opts.routes(req, res))) return;
      if (req.method === 'POST' && req.path === '/') return void (await handleEvent(opts, req, res));
      res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
    } catch (err) {
      const e = toError(err);
      opts.logger.error({ err: e.message, path: req.path }, 'request failed');
      if (!res.headersSent) res.status(500).json({ error: e.message });
    }
  };
}

const READINESS_TIMEOUT_MS = 2000;

async function handleEvent(opts: FunctionAppOptions, req: Request, res: Response): Promise<void> {
  const body =
    req.rawBody ??
    (typeof req.body === 'string'
      ? req.body
      : req.body && Object.keys(req.body as object).length
        ? JSON.stringify(req.body)
        : '');
  // event data sent as text/plain or octet-stream is JSON-parsed later: same depth bound as the JSON parsers
  const tooDeep = jsonDepthProblem(body);
  if (tooDeep) return void res.status(400).json({ error: tooDeep });
  const received = receiveCloudEvent(req.headers, body, opts.accepted);
  if (!received.ok) {
    opts.logger.warn({ reason: received.reason }, 'rejected malformed CloudEvent');
    return void res.status(400).json({ error: received.reason });
  }
  try {
    const result = await opts.onEvent(received.event);
    res.status(result === undefined ? 204 : 200);
    if (result === undefined) res.end();
    else res.json(result);
  } catch (err) {
    const e = toError(err);
    // One policy for every function (errors.ts failurePolicy): dead-letter → 422, never redelivered;
    // retry / release → 503 "retry later", which Knative's delivery retries (5xx are retryable there).
    const status = failureStatus(e);
    opts.logger[status === 422 ? 'warn' : 'error'](
      { err: e.message, type: received.event.type, id: received.event.id },
      'event handling failed',
    );
    res.status(status).json({ error: e.message });
  }
}

export interface ServedFunction {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Larger request bodies get 413 before they are read (MAX_BODY_BYTES). @default 1 MiB */
  maxBodyBytes?: number;
}

/** The options functions-framework's `getServer` reads (build/src/options.d.ts `FrameworkOptions`). */
interface FrameworkOptions {
  port: string;
  target: string;
  sourceLocation: string;
  signatureType: 'http';
  printHelp: boolean;
  enableExecutionId: boolean;
  timeoutMilliseconds: number;
  ignoredRoutes: string | null;
}
type GetServer = (userFunction: HttpFunction, options: FrameworkOptions) => Server;

/**
 * functions-framework's real server builder, the one its CLI serves with: `getServer` in
 * node_modules/@google-cloud/functions-framework/build/src/server.js (v5.0.5; upstream
 * GoogleCloudPlatform/functions-framework-nodejs src/server.ts), called by build/src/main.js
 * `getServer(userFunction, options)`. It builds FF's express app (body parsers with rawBody,
 * trust proxy, no x-powered-by/etag, the timeout middleware, the function wrapper) inside
 * `http.createServer`. The package's `exports` map publishes only `.` and `./testing` (whose
 * `getTestServer` is a test helper calling this same function), so the module is reached by
 * its file beside the package entry.
 */
const { getServer } = createRequire(require.resolve('@google-cloud/functions-framework'))('./server.js') as {
  getServer: GetServer;
};

/**
 * The CLI's defaults (build/src/options.js: `CLOUD_RUN_TIMEOUT_SECONDS` unset → timeout 0, i.e. no
 * FF request timeout, unchanged), as `getTestServer` used to pass them.
 */
const FRAMEWORK_OPTIONS: Omit<FrameworkOptions, 'target'> = {
  port: '0',
  sourceLocation: '',
  signatureType: 'http',
  printHelp: false,
  enableExecutionId: false,
  timeoutMilliseconds: 0,
  ignoredRoutes: null,
};

/**
 * Registers the handler with functions-framework and serves it on `host:port` (0 = any free
 * port), on the same express server the FF CLI would build, with the body limit in front.
 * `host` defaults to loopback: a container passes BIND_HOST=0.0.0.0.
 */
export async function serveFunction(
  name: string,
  handler: HttpFunction,
  port: number,
  host = '127.0.0.1',
  serve: ServeOptions = {},
): Promise<ServedFunction> {
  registerHttp(name, handler);
  const server = getServer(handler, { ...FRAMEWORK_OPTIONS, target: name });
  const maxBodyBytes = serve.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  limitRequestBodies(server, maxBodyBytes);
  answerBodyErrorsWithJson(server, maxBodyBytes);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  let closing: Promise<void> | undefined;
  return {
    server,
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      })),
  };
}

type ExpressLike = {
  use(fn: (err: unknown, req: Request, res: Response, next: (err?: unknown) => void) => void): void;
};

/**
 * functions-framework parses bodies before our handler runs, so a body that is not JSON
 * (e.g. a broken structured-mode CloudEvent) would get express's HTML error page. This
 * error middleware, appended to FF's express app, answers it as JSON with the reason instead.
 */
function answerBodyErrorsWithJson(server: Server, maxBodyBytes: number): void {
  const app = server.listeners('request')[0] as unknown as ExpressLike | undefined;
  if (typeof app?.use !== 'function') return;
  app.use((err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const e = err as { status?: number; statusCode?: number; message?: string; type?: string };
    if (e.type === JSON_TOO_DEEP) return void res.status(400).json({ error: e.message });
    const status = e.status ?? e.statusCode ?? 500;
    if (status === 413) {
      // the rest of the body is never read: close the connection rather than drain it
      res.set('connection', 'close');
      return void res
        .status(413)
        .json({ error: `request body larger than MAX_BODY_BYTES=${maxBodyBytes} bytes: refused before reading it` });
    }
    const reason =
      status === 400 ? `malformed request body: ${e.message ?? 'unparseable'}` : (e.message ?? 'internal error');
    res.status(status).json({ error: reason });
  });
}
