// Jest's own order (@jest/test-sequencer: suites that failed last time first, then the slowest by its timing cache,
// suites with no recorded time before those, larger files first), with one change for a fresh clone, where the cache
// is empty: integration suites go before unit suites. A long integration suite picked last runs alone while the other
// worker idles; hundreds of short unit suites fill the gaps at the end instead.
'use strict';
const Sequencer = require('@jest/test-sequencer').default;

const isIntegration = (test) => /\.int\.test\.ts$/.test(test.path);

class IntegrationFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests); // also sets test.duration from the cache
    const rank = (t) => (this.hasFailed(t) ? 0 : t.duration == null ? (isIntegration(t) ? 1 : 2) : 3);
    // Array.prototype.sort is stable (ECMA-262 since ES2019): Jest's order holds within each rank
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = IntegrationFirstSequencer;
