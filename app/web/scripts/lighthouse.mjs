#!/usr/bin/env node
// `npm run lighthouse [-- --url http://127.0.0.1:3000/r/global --runs 3]`: Lighthouse's mobile preset (its
// default: Moto G Power viewport, 4× CPU slowdown, slow 4G) against a running chat (`npm start` in another
// shell), a few runs, the median of each figure. Needs Chromium (CHROME_PATH, default /usr/bin/chromium) and
// the npm registry the first time (npx fetches the pinned Lighthouse). Reports land in test-results/lighthouse/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { commandLine, reachable, runMain, UsageError } from '../../../tools/cli/index.js';

const LIGHTHOUSE = 'lighthouse@13.5.0';
export const LIGHTHOUSE_COMMAND = {
  command: 'npm run lighthouse --',
  summary:
    "Lighthouse's mobile preset against a running chat (npm start in another shell), a few runs, the median of each\n" +
    'figure. Reports land in test-results/lighthouse/. The first run fetches the pinned Lighthouse with npx.',
  options: [
    { flag: '--url', value: 'URL', default: 'http://127.0.0.1:3000/', description: 'the page to audit' },
    { flag: '--runs', value: 'N', default: '3', description: 'how many runs to take the median of' },
  ],
  settings: [{ name: 'CHROME_PATH', default: '/usr/bin/chromium', description: 'the Chromium Lighthouse drives' }],
};

runMain(main);

async function main() {
  const options = commandLine(process.argv.slice(2), LIGHTHOUSE_COMMAND);
  const values = { url: options.url ?? 'http://127.0.0.1:3000/', runs: options.runs ?? '3' };
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs needs a positive integer, got ${values.runs}`);
  await reachable(values.url, 'start the chat first (npm start in another shell), or check --url');
  const out = path.resolve(import.meta.dirname, '../../../test-results/lighthouse');
  fs.mkdirSync(out, { recursive: true });
  const env = { ...process.env, CHROME_PATH: process.env.CHROME_PATH ?? '/usr/bin/chromium' };

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const results = [];
  for (let i = 1; i <= runs; i++) {
    const file = path.join(out, `run-${i}.json`);
    execFileSync(
      'npx',
      ['--yes', LIGHTHOUSE, values.url, '--quiet', '--output=json', `--output-path=${file}`, '--chrome-flags=--headless=new --no-sandbox'],
      { stdio: 'inherit', env },
    );
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    const scripts = (r.audits['network-requests'].details?.items ?? []).filter((x) => x.resourceType === 'Script');
    const row = {
      performance: r.categories.performance.score * 100,
      accessibility: r.categories.accessibility.score * 100,
      'best-practices': r.categories['best-practices'].score * 100,
      seo: r.categories.seo.score * 100,
      'LCP ms': r.audits['largest-contentful-paint'].numericValue,
      'TBT ms': r.audits['total-blocking-time'].numericValue,
      CLS: r.audits['cumulative-layout-shift'].numericValue,
      'JS kB (transferred)': scripts.reduce((n, x) => n + x.transferSize, 0) / 1000,
      'JS kB (raw)': scripts.reduce((n, x) => n + (x.resourceSize ?? 0), 0) / 1000,
      // Lighthouse's own CPU speed probe: ~1000+ on a quiet laptop; far lower on a loaded box, where TBT balloons.
      benchmarkIndex: r.environment.benchmarkIndex,
    };
    const failed = Object.values(r.categories).flatMap((c) =>
      c.auditRefs.filter((a) => a.weight > 0 && r.audits[a.id].score !== null && r.audits[a.id].score < 1).map((a) => `${c.id}/${a.id}`),
    );
    console.log(`run ${i}:`, JSON.stringify(row), failed.length ? `below full marks: ${failed.join(', ')}` : '');
    results.push(row);
  }
  const summary = Object.fromEntries(Object.keys(results[0]).map((k) => [k, Math.round(median(results.map((x) => x[k])) * 1000) / 1000]));
  console.log(`\nmedian of ${runs} (${values.url}, Lighthouse ${LIGHTHOUSE.split('@')[1]}, mobile preset):`);
  console.table(summary);
}
