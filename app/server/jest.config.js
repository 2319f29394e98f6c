module.exports = require('../../jest.preset')(__dirname, { testTimeout: 60_000 });
