export { createFunctionHandler, serveFunction } from './function-app';
export type { FunctionAppOptions, Readiness, ServedFunction, Request, Response } from './function-app';
