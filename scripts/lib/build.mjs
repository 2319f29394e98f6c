import fs from 'node:fs';
import path from 'node:path';
import { ROOT, mtime, newestMtime } from './run.mjs';
import { CliError, runCommand, task } from '../../tools/cli/index.js';

/** Whether node_modules is missing or older than the lock file. */
export function needsInstall() {
  const marker = 'node_modules/.package-lock.json';
  return !fs.existsSync(path.join(ROOT, marker)) || mtime(marker) < mtime('package-lock.json');
}

/** Install dependencies when node_modules is missing or older than the lock file. */
export async function ensureInstalled() {
  if (!needsInstall()) return;
  const first = !fs.existsSync(path.join(ROOT, 'node_modules'));
  await task(
    first ? 'Installing dependencies (npm ci, one time)' : 'Updating dependencies (npm ci: package-lock.json changed)',
    async () => {
      const { code, output } = await runCommand('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT });
      if (code !== 0)
        throw new CliError('npm ci failed', 'see its output above; check access to the npm registry, then run this again', { output });
    },
    { expectSeconds: 120 },
  );
}

/** Whether the web app's sources are newer than its build. */
export function webBuildStale() {
  if (!fs.existsSync(path.join(ROOT, 'app/web/angular.json'))) return false;
  const built = mtime('app/web/dist/browser/index.html');
  const sources = newestMtime(
    'app/web/src',
    'app/web/angular.json',
    'app/web/package.json',
    'app/web/tsconfig.json',
    'app/web/tsconfig.app.json',
    'app/protocol/src',
  );
  return built < sources;
}

/** `npm run build` of workspaces as one step; its output is shown only if it fails (or when not on a terminal). */
export async function buildStep(title, workspaces, { expectSeconds } = {}) {
  await task(
    title,
    async () => {
      const { code, output } = await runCommand('npm', ['run', 'build', '--silent', ...workspaces.flatMap((w) => ['-w', w])], {
        cwd: ROOT,
      });
      if (code !== 0) throw new CliError(`${title} failed`, 'fix the errors above, then run this again', { output });
    },
    { expectSeconds },
  );
}

/** Build the protocol and server (incremental tsc) and the web app when its sources are newer than its build. */
export async function ensureBuilt({ web = true } = {}) {
  await buildStep('Building the server (tsc)', ['app/protocol', 'app/server', 'tools/local-aws'], { expectSeconds: 30 });
  if (web && webBuildStale()) await buildStep('Building the web app (Angular)', ['app/web'], { expectSeconds: 90 });
}
