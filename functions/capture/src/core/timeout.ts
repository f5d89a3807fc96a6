/** Moved to the shared kit (`functions/shared/src/async.ts`); re-exported for existing importers. */
export { within } from '../../../shared/src/async';
