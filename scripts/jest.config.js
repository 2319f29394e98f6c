// The root commands and the READMEs that describe them: npm start's set-up, every command's --help, the tables.
module.exports = require('../jest.preset')(__dirname, { testTimeout: 60_000 });
