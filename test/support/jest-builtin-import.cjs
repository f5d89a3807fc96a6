// Jest transform for PGlite's CommonJS build (issue #25). PGlite loads Node built-ins with
// `await import("fs/promises")` and the like; Jest runs CommonJS tests in a vm context where a
// dynamic import needs --experimental-vm-modules ("A dynamic import callback was invoked without
// --experimental-vm-modules", jestjs/jest#9430). Only built-ins are rewritten, to the module's require().
const { builtinModules } = require('node:module');
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

module.exports = {
  process(source) {
    const code = source.replace(/\bimport\((["'])([a-z:/_]+)\1\)/g, (all, _q, name) =>
      builtins.has(name) ? `Promise.resolve().then(() => __builtinRequire(${JSON.stringify(name)}))` : all,
    );
    // captured once: the Emscripten part declares its own `var require` inside a function
    return { code: `const __builtinRequire = require;${code}` };
  },
  getCacheKey(source) {
    return require('node:crypto').createHash('sha256').update('builtin-import-2').update(source).digest('hex');
  },
};
