// Four groups, chosen by file name (see README "Tests"):
//   *.test.ts      unit: no network, no child processes                       } `npm test`, in parallel workers
//   *.int.test.ts  integration: real Redis, ffmpeg, HTTP servers, processes   }
//   SERIAL below   integration suites that must own the machine: run after the others, one at a time (`npm test`)
//   SYSTEM below   whole-stack, multi-process and fault-injection runs: `npm run test:system`, not `npm test`
// Long soak/fault runs (*.soak.test.ts) live behind `npm run test:reliability`.
// A new test file joins its group by its name alone; every test owns its Redis prefix, ports and temp folders,
// so it runs in parallel with the others unless it is added to SERIAL or SYSTEM with the reason.

// Integration suites that assert a wall-clock bound on CPU-heavy work (real-time ffmpeg encodes, a whole stack):
// next to other suites on 2 cores they would measure the neighbours, not themselves. None today: recorder.int was
// here (a healthy camera went offline beside other suites). The cause was capture's, not the load's: a run whose
// keyframes were out of phase with the model's cuts announced every clip ~4.9 s late (9.9 s between clips against
// CAMERA_OFFLINE_SECONDS=10), and load only made such runs likelier. Fixed (core/model-pairing.ts modelStartPassed),
// it passed 5 runs in 5 beside pipeline, media-contract and record-api at load 9–14 (BENCHMARKS.md "Test suite timing").
const SERIAL = [];

// Suites that run the system rather than one part (issue #22: `npm test` ≤ 5 min on 2 cores): each starts the
// whole stack or several parts as processes, or kills, freezes or cuts off a process, and costs 5–85 CPU-s and
// 20–160 s of real time. Together they were ~400 of the integration group's ~790 CPU-s (`npm run test:timing`,
// BENCHMARKS.md "Test suite timing"). Each part's own behaviour stays covered in `npm test` by its integration
// suites; these check the parts together. Run them before a release and after touching more than one part.
const SYSTEM = [
  // `npm start` as a user runs it: 4 cameras, every hazard, every clip judged, Ctrl-C leaves nothing (≥ 60 s of stack)
  'test/e2e/stack.int.test.ts',
  // `npm start`: a camera added and removed through the API with no restart
  'test/e2e/cameras-live.int.test.ts',
  // fault injection across processes: subscriber down, camera outages, clip volume full, fuzzing, kill -9, rolling restart
  'test/faults/alert-delivery.int.test.ts',
  'test/faults/camera-outage.int.test.ts',
  'test/faults/clips-full.int.test.ts',
  'test/faults/fuzz.int.test.ts',
  'test/faults/kill9.int.test.ts',
  'test/faults/rolling-restart.int.test.ts',
  // two stack runs in a row on one Redis and one record
  'functions/alerts/test/unobserved-restart.int.test.ts',
  // processes killed or cut off: capture kill -9 seen by alerts, Redis frozen and killed under alerts,
  // a capture replica kill -9 and the lease takeover
  'functions/alerts/test/dead-capture.int.test.ts',
  'functions/alerts/test/redis-down.int.test.ts',
  'functions/capture/test/leases.int.test.ts',
  // inference processes killed -9 and restarted
  'functions/inference/test/processes.int.test.ts',
  // `npm run doctor` against vllm-sim processes of several versions, every mode twice
  'scripts/test/doctor.int.test.ts',
  // the local KEDA + HPA loop scaling real inference processes, each with its own vllm-sim
  'scripts/test/replicas.int.test.ts',
  // the evaluation set made, judged through inference and gated
  'eval/test/e2e.int.test.ts',
  // every rendered scene through vllm-sim's detector (a model-quality check of the simulator)
  'simulator/vllm/test/scenes.int.test.ts',
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
const listed = (files) => `/(${files.map(escape).join('|')})$`;

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
      testPathIgnorePatterns: ['/node_modules/', ...[SERIAL, SYSTEM].filter((l) => l.length > 0).map(listed)],
    },
    {
      ...base,
      displayName: 'serial',
      roots,
      // an empty testMatch falls back to Jest's default pattern: match nothing instead while SERIAL is empty
      ...(SERIAL.length > 0 ? { testMatch: SERIAL.map((f) => `<rootDir>/${f}`) } : { testRegex: 'a^' }),
    },
    { ...base, displayName: 'system', roots, testMatch: SYSTEM.map((f) => `<rootDir>/${f}`) },
  ],
};
