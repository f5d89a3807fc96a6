// Three groups, chosen by file name (see README "Tests"):
//   *.test.ts      unit: no network, no child processes                       } in parallel workers
//   *.int.test.ts  integration: real Redis, ffmpeg, HTTP servers, processes   }
//   SERIAL below   integration suites that must own the machine: run after the others, one at a time
// Long soak/fault runs (*.soak.test.ts) live behind `npm run test:reliability`.
// A new test file joins its group by its name alone; every test owns its Redis prefix, ports and temp folders,
// so it runs in parallel with the others unless it is added to SERIAL with the reason.

// Integration suites that assert a wall-clock bound on CPU-heavy work (real-time ffmpeg encodes, a whole stack):
// next to other suites on 2 cores they measure the neighbours, not themselves.
const SERIAL = [
  // every clip enqueued < 2.5 s after ffmpeg closed its segment (the segment-lag histogram bound), 3 cameras
  'functions/capture/test/recorder.int.test.ts',
];

// @swc/jest strips types without checking them (the typecheck is its own step of `npm test`), in a
// fraction of ts-jest's time on a cold cache; test/support/swc-options.cjs holds the options, shared with
// the require hook that test-started child processes run under. The module format (CommonJS) is chosen by
// @swc/jest from Jest's ESM support flag.
const swc = require('./test/support/swc-options.cjs');
const transform = {
  '^.+\\.ts$': ['@swc/jest', swc],
  // PGlite's dynamic import() of Node built-ins, as require() (test/support/jest-builtin-import.cjs)
  '/node_modules/@electric-sql/pglite/dist/.+\\.cjs$': '<rootDir>/test/support/jest-builtin-import.cjs',
};
const base = {
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
  moduleFileExtensions: ['ts', 'js', 'cjs', 'json'],
  // child processes load TypeScript through the swc hook, not tsx (functions/shared/src/ts-loader.ts)
  setupFiles: ['<rootDir>/test/support/jest-ts-hook.cjs'],
  // per-suite CPU seconds for `npm run test:timing` (only when JEST_CPU_LOG names a file)
  setupFilesAfterEnv: ['<rootDir>/test/support/jest-cpu.ts'],
};
const roots = [
  '<rootDir>/functions',
  '<rootDir>/simulator',
  '<rootDir>/test',
  '<rootDir>/knative',
  '<rootDir>/keda',
  '<rootDir>/infra',
  '<rootDir>/scripts',
  '<rootDir>/bench',
  '<rootDir>/eval',
];
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const serialPattern = `/(${SERIAL.map(escape).join('|')})$`;

/** @type {import('jest').Config} */
module.exports = {
  // testTimeout is a global option (Jest ignores it inside a project entry).
  testTimeout: 120000,
  testSequencer: '<rootDir>/test/support/jest-sequencer.cjs',
  projects: [
    {
      ...base,
      displayName: 'unit',
      roots,
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$', '\\.soak\\.test\\.ts$', '/node_modules/'],
    },
    {
      ...base,
      displayName: 'integration',
      roots,
      testMatch: ['**/*.int.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', serialPattern],
    },
    { ...base, displayName: 'serial', roots, testMatch: SERIAL.map((f) => `<rootDir>/${f}`) },
  ],
};
