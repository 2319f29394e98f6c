/** One jest run over every workspace's tests; each project keeps its own config beside its code. */
module.exports = {
  // In a multi-project run jest reads the timeout from here, not from the projects: the slowest suites (moto bursts,
  // browsers, a short load run) set longer ones per test.
  testTimeout: 60_000,
  projects: [
    '<rootDir>/app/protocol',
    '<rootDir>/app/server',
    '<rootDir>/app/web/e2e',
    '<rootDir>/infra',
    '<rootDir>/release',
    '<rootDir>/loadtest',
    '<rootDir>/scripts',
  ],
};
