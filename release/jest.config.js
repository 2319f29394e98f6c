// Release runs wait on real processes and health checks; the embedded chat server needs a few seconds to start.
module.exports = require('../jest.preset')(__dirname, { testTimeout: 120_000 });
