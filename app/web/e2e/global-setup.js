/** Builds the web app when its build is missing or older than its sources, so e2e never tests a stale bundle. */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const web = path.join(__dirname, '..');
const sources = [
  path.join(web, 'src'),
  path.join(web, 'public'),
  path.join(web, '../protocol/src'),
  path.join(web, 'angular.json'),
  path.join(web, 'tsconfig.json'),
];

function newest(p) {
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((name) => newest(path.join(p, name))));
}

module.exports = async () => {
  const index = path.join(web, 'dist/browser/index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  if (built > Math.max(...sources.map(newest))) return;
  console.log('\n[web e2e] building app/web (missing or stale build)…');
  execFileSync('npm', ['run', 'build', '-w', 'app/web'], {
    cwd: path.join(web, '../..'),
    stdio: 'inherit',
    env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
  });
};
