/** Synth, property and checkov tests of the stacks; checkov runs twice (default and all-options configuration). */
const path = require('node:path');

module.exports = require('../jest.preset')(__dirname, {
  testTimeout: 120000,
  moduleNameMapper: {
    '^@chat/protocol$': path.join(__dirname, '../app/protocol/src/index.ts'),
    '^@chat/server/iam$': path.join(__dirname, '../app/server/src/adapters/aws/iam.ts'),
    '^@chat/server/edge$': path.join(__dirname, '../app/server/src/edge.ts'),
    '^@chat/server/s3-origins$': path.join(__dirname, '../app/server/src/adapters/aws/s3-origins.ts'),
    '^@chat/local-aws$': path.join(__dirname, '../tools/local-aws/src/index.ts'),
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
});
