// Jest setup file (jest.config.js `setupFiles`): child processes that the tests start load TypeScript
// through the swc hook rather than tsx (functions/shared/src/ts-loader.ts says why). A run that sets
// SAFETY_HANTA_TS_HOOK itself keeps its value; set it empty to start children with tsx.
const path = require('node:path');

if (process.env.SAFETY_HANTA_TS_HOOK === undefined)
  process.env.SAFETY_HANTA_TS_HOOK = path.join(__dirname, 'swc-register.cjs');
