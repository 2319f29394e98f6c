#!/usr/bin/env node
// `npm run synth|deploy|destroy|rotate-secrets|loadtest`: make sure dependencies are installed (a fresh clone has none), then run
// that workspace's script with the arguments given after `--`.
import { requireNode24 } from './lib/node-version.mjs';
requireNode24();

const { ensureInstalled } = await import('./lib/build.mjs');
const { run } = await import('./lib/run.mjs');

const [workspace, script, ...args] = process.argv.slice(2);
try {
  await ensureInstalled();
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
process.exit(await run('npm', ['run', '--silent', script, '-w', workspace, ...(args.length ? ['--', ...args] : [])]));
