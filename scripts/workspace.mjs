#!/usr/bin/env node
// `npm run synth|deploy|destroy|rotate-secrets|loadtest|redrive|socket-memory`: make sure dependencies are installed
// (a fresh clone has none) and the workspace is built, each as a step with its progress, then run that workspace's
// script with the arguments given after `--`.
import { requireNode24 } from './lib/node-version.mjs';
requireNode24();

const { ensureInstalled, buildStep } = await import('./lib/build.mjs');
const { run } = await import('./lib/run.mjs');
const { runMain } = await import('../tools/cli/index.js');

const [workspace, script, ...args] = process.argv.slice(2);
runMain(async () => {
  await ensureInstalled();
  await buildStep(`Building ${workspace} (tsc)`, [workspace], { expectSeconds: 30 });
  process.exit(await run('npm', ['run', '--silent', script, '-w', workspace, ...(args.length ? ['--', ...args] : [])]));
});
