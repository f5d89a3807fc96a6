// Two tiers selected by file name (see README "Tests"):
//   *.test.ts      unit: no network, no child processes
//   *.int.test.ts  integration: real Redis, real ffmpeg, real HTTP servers and child processes
// Long soak/fault runs (*.soak.test.ts) live behind `npm run test:reliability`.
// @swc/jest strips types without checking them (the typecheck is its own step of `npm test`), in a
// fraction of ts-jest's time on a cold cache. The options mirror tsconfig.json: TypeScript syntax, ES2022
// output, and define-semantics class fields (tsc's default for target >= ES2022, `useDefineForClassFields`).
// The module format (CommonJS) is chosen by @swc/jest from Jest's ESM support flag.
const swc = {
  jsc: {
    parser: { syntax: 'typescript' },
    target: 'es2022',
    transform: { useDefineForClassFields: true },
  },
};
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

/** @type {import('jest').Config} */
module.exports = {
  // testTimeout is a global option (Jest ignores it inside a project entry).
  testTimeout: 120000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      roots,
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$', '\\.soak\\.test\\.ts$', '/node_modules/'],
    },
    { ...base, displayName: 'integration', roots, testMatch: ['**/*.int.test.ts'] },
  ],
};
