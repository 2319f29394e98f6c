#!/usr/bin/env node
// `npm start`: on a fresh clone, install and build what is missing, then run the chat in embedded mode.
import { requireNode24 } from './lib/node-version.mjs';
requireNode24();

const { ensureInstalled, ensureBuilt } = await import('./lib/build.mjs');
const { ROOT } = await import('./lib/run.mjs');
const { portProblem } = await import('./lib/port.mjs');
const { runMain } = await import('../tools/cli/index.js');
const { spawn } = await import('node:child_process');

runMain(async () => {
  // A busy port is found now, not after a minute of installing and building.
  const busy = await portProblem(process.env.PORT, process.env.HOST);
  if (busy) throw busy;
  await ensureInstalled();
  await ensureBuilt();
  const server = spawn(process.execPath, ['app/server/dist/main.js'], { cwd: ROOT, stdio: 'inherit', env: process.env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
  server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
});
