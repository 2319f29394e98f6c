import fs from 'node:fs';
import path from 'node:path';
import { ROOT, has } from './run.mjs';
import { needsInstall, webBuildStale } from './build.mjs';
import { venvNeedsInstall } from './python-venv.mjs';

/**
 * How long the whole suite takes once set up, and the fresh-clone run (`.ci/run`: set-up included), in minutes,
 * measured on the project's 2-core machine (README "Quick start" quotes the same run).
 */
export const SUITE_MINUTES = { setUp: 21, fresh: 25 };

/** What `npm test` is about to install or build before the first test runs, and how long each usually takes. */
export function setUpPlan() {
  const items = [];
  if (needsInstall()) items.push('npm dependencies (npm ci, about 2 min)');
  if (venvNeedsInstall('all')) items.push('.venv with the moto server and checkov from PyPI (about 2 min)');
  if (!fs.existsSync(path.join(ROOT, 'app/server/dist/main.js')) || webBuildStale())
    items.push('the builds: tsc, the Angular app (about 2 min)');
  if (!fs.existsSync(path.join(ROOT, '.tools/bin/actionlint'))) {
    items.push('during the tests, into .tools/: actionlint (built with Go), ShellCheck and the AWS CLI (PyPI) (about 2 min)');
  }
  return items;
}

/** Missing system tools the tests need and what to install. */
export function missingTools(env = process.env) {
  const missing = [];
  const chromium = env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(chromium))
    missing.push(`Chromium (${chromium}) for the browser tests — apt-get install chromium, or set CHROMIUM_PATH`);
  if (!has('go') && !fs.existsSync('/usr/local/go/bin/go')) missing.push('Go for the workflow linter — https://go.dev/doc/install');
  if (!has('redis-server')) missing.push('redis-server for the scale-out tests — apt-get install redis-server');
  if (!has('haproxy') && !fs.existsSync('/usr/sbin/haproxy')) missing.push('HAProxy for the scale-out tests — apt-get install haproxy');
  return missing;
}

/** Printed before anything else: what will be installed, how long the first run and the suite take, what is missing. */
export function printTestPlan() {
  const items = setUpPlan();
  const lines = [
    "npm test: every test (jest: unit, moto, browser, infra + checkov; the web app's unit tests; prettier).",
    `Once set up it takes about ${SUITE_MINUTES.setUp} min on 2 cores (a fresh clone, set-up included, about ${SUITE_MINUTES.fresh} min).`,
  ];
  if (items.length) lines.push('First it installs or builds what is missing:', ...items.map((i) => `  - ${i}`));
  const missing = missingTools();
  if (missing.length) lines.push('Not found (the tests that need them will fail):', ...missing.map((m) => `  - ${m}`));
  console.log(`${lines.join('\n')}\n`);
}
