/**
 * Every dependency's install script is reviewed in package.json's `allowScripts`: approved when the project needs
 * it, denied otherwise (the one that downloads a browser, above all). An unreviewed one would run with npm's warning
 * today and be blocked by npm 12; a new dependency that brings one fails here until it is decided.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
// allowScripts came with npm 11.16; an older npm runs every script and has no command to ask (skipped there).
const [major = 0, minor = 0] = spawnSync('npm', ['--version'], { encoding: 'utf8' }).stdout.trim().split('.').map(Number);
const reviewable = major > 11 || (major === 11 && minor >= 16);

(reviewable ? test : test.skip)('no install script is left unreviewed', () => {
  const r = spawnSync('npm', ['approve-scripts', '--allow-scripts-pending'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.status).toBe(0);
  expect(r.stdout.trim()).toBe('No packages with unreviewed install scripts.');
});

test("the browser download of artillery's unused browser engine is denied", () => {
  const { allowScripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(allowScripts['@playwright/browser-chromium']).toBe(false);
});
