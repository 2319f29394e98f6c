/** Synth, property and checkov tests of the stacks; checkov runs twice (default and all-options configuration). */
module.exports = require('../jest.preset')(__dirname, {
  testTimeout: 120000,
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
});
