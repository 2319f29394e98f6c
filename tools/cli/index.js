'use strict';
// Plain CommonJS without a build step: `npm start` and `npm test` load it before anything is installed, the .mjs
// scripts import it, and the TypeScript commands (load test, redrive, smoke test, chaos) require it through index.d.ts.
module.exports = {
  ...require('./usage'),
  ...require('./progress'),
  ...require('./errors'),
  ...require('./readme'),
  ...require('./outputs'),
};
