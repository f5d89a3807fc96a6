// A CommonJS require hook that compiles `.ts` with @swc/core, for the child processes the tests start
// (functions/shared/src/ts-loader.ts; `node --require <this file> main.ts`). Same options as Jest's
// transform. Node's documented way to compile another language on require is require.extensions plus
// module._compile (deprecated but kept, https://nodejs.org/docs/latest-v20.x/api/modules.html#requireextensions);
// tsx's CommonJS mode does the same.
const fs = require('node:fs');
const { transformSync } = require('@swc/core');
const { jsc } = require('./swc-options.cjs');

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc,
    module: { type: 'commonjs' },
    swcrc: false,
    configFile: false,
  });
  module._compile(code, filename);
};
