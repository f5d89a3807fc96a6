export { createFunctionHandler, serveFunction } from './function-app';
export type { FunctionAppOptions, Readiness, ServedFunction, ServeOptions, Request, Response } from './function-app';
export { DEFAULT_MAX_BODY_BYTES, MAX_JSON_DEPTH } from './body-limits';
export type { FunctionHandlerDeps } from './handler-deps';
export { redisReady } from './redis-readiness';
