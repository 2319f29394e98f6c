// The real run starts a server and Artillery, so it gets minutes rather than jest's default seconds.
module.exports = require('../jest.preset')(__dirname, { testTimeout: 180_000 });
