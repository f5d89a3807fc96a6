/** Public surface of the notify function. */
export { startNotify } from './app/start-notify';
export type { NotifyDeps, RunningNotify } from './app/start-notify';
export { ACCEPTED_TYPES } from './handler';
export { verifySignature, SIGNATURE_HEADER, DELIVERY_HEADER } from './core/templates/webhook';
