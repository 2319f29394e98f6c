const path = require('node:path');

/** Browser end-to-end tests: real Chromium against the real server (embedded mode) started in-process. */
module.exports = require('../../../jest.preset')(__dirname, {
  testTimeout: 90_000,
  setupFilesAfterEnv: ['<rootDir>/support/setup.ts'],
  globalSetup: '<rootDir>/global-setup.js',
  // readme-screenshot.test.ts rewrites the committed docs/screenshot.png: only on request.
  testPathIgnorePatterns: ['/node_modules/', '/dist/', ...(process.env.UPDATE_README_SCREENSHOT ? [] : ['readme-screenshot'])],
  // The server's source, like the protocol's: no stale dist between a change and its test.
  moduleNameMapper: {
    '^@chat/protocol$': path.join(__dirname, '../../protocol/src/index.ts'),
    '^@chat/server$': path.join(__dirname, '../../server/src/index.ts'),
    '^@chat/local-aws$': path.join(__dirname, '../../../tools/local-aws/src/index.ts'),
  },
});
