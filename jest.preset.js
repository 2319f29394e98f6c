/** Shared jest settings: TypeScript through swc (type checking is `tsc -b`'s job), Node environment. */
const path = require('node:path');

module.exports = (dir, overrides = {}) => ({
  rootDir: dir,
  displayName: path.relative(__dirname, dir),
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      require.resolve('@swc/jest'),
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } },
    ],
  },
  // Tests import the protocol's source, so a change there needs no rebuild.
  moduleNameMapper: {
    '^@chat/protocol$': path.join(__dirname, 'app/protocol/src/index.ts'),
    '^@chat/local-aws$': path.join(__dirname, 'tools/local-aws/src/index.ts'),
  },
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // ESM-only packages: jest runs CommonJS (its require(esm) needs --experimental-vm-modules), so swc converts them
  // as it does our sources. Node itself loads them with require(esm) in the built server.
  transformIgnorePatterns: ['/node_modules/(?!(jose|oidc-provider)/)'],
  ...overrides,
});
