/**
 * Waiting in tests. The one implementation lives in functions/shared/src/async.ts (production code
 * and `npm start` wait with it too); this module re-exports it so tests and benchmarks import every
 * test tool from test/support. `waitUntil` is `waitFor` for conditions that may throw while the
 * thing under test comes up.
 */
export { sleep, waitFor, waitUntil, within, withTimeout, type WaitForOptions } from '../../functions/shared/src/async';
