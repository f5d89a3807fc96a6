// Long soak and fault-injection runs: `npm run test:reliability` (not part of `npm test`).
const { projects } = require('./jest.config.js');
const integration = projects[1];
/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 600000,
  projects: [{ ...integration, displayName: 'reliability', testMatch: ['**/test/reliability/**/*.soak.test.ts'] }],
};
