// Worker-thread entry: registers tsx so the TypeScript preparer loads the same way under
// `tsx main.ts`, jest and benchmarks (a worker does not inherit jest's transform).
require('tsx/cjs/api').register();
require('./preparer-worker.ts');
