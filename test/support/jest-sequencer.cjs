// Jest's own order (@jest/test-sequencer: suites that failed last time first, then the slowest first by its timing
// cache, suites with no recorded time before those, larger files first), with two changes for a fresh clone, where
// that cache is empty:
// - a suite's time comes from test/support/suite-seconds.json when Jest has none (`npm run test:timing --
//   --write-hints` rewrites it from the last `npm test`), so the longest suites start first ("running long tests
//   first is an effort to minimize worker idle time at the end of a long test run", @jest/test-sequencer's sort);
// - suites in neither go first, integration suites before unit suites: a long integration suite picked last runs
//   alone while the other workers idle; hundreds of short unit suites fill the gaps at the end instead.
'use strict';
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const hints = require('./suite-seconds.json');

const ROOT = path.resolve(__dirname, '../..');
const isIntegration = (test) => /\.int\.test\.ts$/.test(test.path);
const hintMs = (test) => {
  const s = hints[path.relative(ROOT, test.path).split(path.sep).join('/')];
  return typeof s === 'number' ? s * 1000 : undefined;
};

class TimedSequencer extends Sequencer {
  time(test) {
    return super.time(test) ?? hintMs(test);
  }

  sort(tests) {
    const sorted = super.sort(tests); // also sets test.duration from this.time()
    const rank = (t) => (this.hasFailed(t) ? 0 : t.duration == null ? (isIntegration(t) ? 1 : 2) : 3);
    // Array.prototype.sort is stable (ECMA-262 since ES2019): Jest's order holds within each rank
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = TimedSequencer;
