import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { FunctionAppOptions, Readiness } from './function-app';

/**
 * The one handler factory signature every function shares: `create<Fn>Handler(deps)` in the
 * function's `src/handler.ts`, which registers the CloudEvent function (createFunctionHandler)
 * and only decodes and dispatches. `actions` is what the app layer offers the handler; a new
 * function (notify) copies this shape.
 */
export interface FunctionHandlerDeps<Actions> {
  /** What one event may do, implemented by the function's app layer. */
  readonly actions: Actions;
  /** GET /readyz (see redisReady for the shared Redis part). */
  readonly readiness: () => Promise<Readiness>;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Extra HTTP routes (the dashboard, APIs) from the function's `src/http/`. */
  readonly routes?: FunctionAppOptions['routes'];
}
