import fs from 'node:fs';
import path from 'node:path';
import { ROOT, mtime, newestMtime, run } from './run.mjs';

/** Install dependencies when node_modules is missing or older than the lock file. */
export async function ensureInstalled() {
  const marker = 'node_modules/.package-lock.json';
  if (fs.existsSync(path.join(ROOT, marker)) && mtime(marker) >= mtime('package-lock.json')) return;
  console.log('Installing dependencies (npm ci)…');
  const code = await run('npm', ['ci', '--no-audit', '--no-fund'], { env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } });
  if (code !== 0) throw new Error('npm ci failed');
}

/** Build the protocol and server (incremental tsc) and the web app when its sources are newer than its build. */
export async function ensureBuilt({ web = true } = {}) {
  if ((await run('npm', ['run', 'build', '-w', 'app/protocol', '-w', 'app/server', '-w', 'tools/local-aws', '--silent'])) !== 0) {
    throw new Error('server build failed');
  }
  if (!web || !fs.existsSync(path.join(ROOT, 'app/web/angular.json'))) return;
  const built = mtime('app/web/dist/browser/index.html');
  const sources = newestMtime(
    'app/web/src',
    'app/web/angular.json',
    'app/web/package.json',
    'app/web/tsconfig.json',
    'app/web/tsconfig.app.json',
    'app/protocol/src',
  );
  if (built >= sources) return;
  console.log('Building the web app…');
  if ((await run('npm', ['run', 'build', '-w', 'app/web', '--silent'])) !== 0) throw new Error('web build failed');
}
