// Worker-thread entry: registers a TypeScript loader so the preparer loads the same way under
// `tsx main.ts`, jest and benchmarks (a worker does not inherit jest's transform): the tests' hook when
// SAFETY_HANTA_TS_HOOK names one (functions/shared/src/ts-loader.ts), else tsx.
if (process.env.SAFETY_HANTA_TS_HOOK) require(process.env.SAFETY_HANTA_TS_HOOK);
else require('tsx/cjs/api').register();
require('./preparer-worker.ts');
