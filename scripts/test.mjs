#!/usr/bin/env node
// `npm test`: every test on a fresh machine. Set-up (dependencies, Python tools, builds), then the runners, then
// one closing line `N passed, N failed` counted from what the runners report.
import fs from 'node:fs';
import path from 'node:path';
import { requireNode24 } from './lib/node-version.mjs';
requireNode24();

const { ROOT, run, runCapture } = await import('./lib/run.mjs');
const { ensureInstalled, ensureBuilt, buildStep } = await import('./lib/build.mjs');
const { ensurePythonVenv } = await import('./lib/python-venv.mjs');
const { printTestPlan } = await import('./lib/test-plan.mjs');
const { CliError, describeError, runCommand, task } = await import('../tools/cli/index.js');
const { duration, slowestFiles } = await import('./lib/timing.mjs');

const results = path.join(ROOT, 'test-results');
fs.mkdirSync(results, { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];
// Where the run's time went, printed at the end so that drift is seen.
const began = Date.now();
const phases = [];
let phaseStart = began;
const phase = (name) => {
  phases.push(`${name} ${duration(Date.now() - phaseStart)}`);
  phaseStart = Date.now();
};
let slowest = [];

function finish() {
  if (slowest.length) console.log(`\nSlowest test files:\n${slowest.join('\n')}`);
  console.log(`\nRun time: ${duration(Date.now() - began)} (${phases.join(', ')})`);
  const line = `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`;
  fs.writeFileSync(path.join(results, 'summary.txt'), line + '\n');
  if (problems.length) console.log(`\nProblems:\n- ${problems.join('\n- ')}`);
  console.log(`\n${line}`);
  process.exit(totals.failed > 0 || problems.length > 0 ? 1 : 0);
}

printTestPlan();
try {
  await ensureInstalled();
  process.env.CHAT_VENV = await ensurePythonVenv();
  await ensureBuilt();
  const extraBuilds = ['loadtest', 'release', 'infra'].filter((w) => {
    const pkg = path.join(ROOT, w, 'package.json');
    return fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).scripts?.build;
  });
  await buildStep(`Building ${extraBuilds.join(', ')} (tsc)`, extraBuilds, { expectSeconds: 60 });
  // Type checks of everything swc strips types from in jest: sources and tests.
  const typechecks = [
    ['tsc', '-b', 'app/protocol', 'app/server', 'tools/local-aws', 'app/server/test'],
    ['tsc', '-p', 'app/web/e2e/tsconfig.json', '--noEmit'],
    ...['infra', 'release', 'loadtest', 'scripts']
      .filter((w) => fs.existsSync(path.join(ROOT, w, 'tsconfig.test.json')))
      .map((w) => ['tsc', '-p', `${w}/tsconfig.test.json`, '--noEmit']),
  ];
  await task(
    'Type-checking sources and tests (tsc)',
    async (report) => {
      for (const [n, args] of typechecks.entries()) {
        report(`${n + 1} of ${typechecks.length}: ${args.slice(1).join(' ')}`);
        const { code, output } = await runCommand('npx', args, { cwd: ROOT });
        if (code !== 0) throw new CliError(`type check failed: ${args.join(' ')}`, 'fix the errors above', { output });
      }
    },
    { expectSeconds: 90 },
  );
} catch (err) {
  if (err.output) console.error(err.output);
  problems.push(`set-up: ${describeError(err)}`);
  finish();
}
phase('set-up');

// 0. Static checks: one style for the whole tree (prettier), counted as a test so a failure shows in the total.
{
  const code = await run('npx', ['prettier', '--check', '--log-level', 'warn', '.']);
  if (code === 0) totals.passed++;
  else {
    totals.failed++;
    problems.push('format: files differ from prettier (npm run format writes them)');
  }
  phase('format');
}
// 0b. Lint: typescript-eslint's type-aware rules (eslint.config.mjs), counted as one test too.
{
  const code = await run('npx', ['eslint', '--max-warnings', '0', '.']);
  if (code === 0) totals.passed++;
  else {
    totals.failed++;
    problems.push('lint: eslint found problems (npm run lint lists them)');
  }
  phase('lint');
}
// 1. jest: protocol, server, infra, load test, pipeline and the browser end-to-end tests, one run.
const jestJson = path.join(results, 'jest.json');
fs.rmSync(jestJson, { force: true });
await run('npx', ['jest', '--ci', '--json', `--outputFile=${jestJson}`, ...process.argv.slice(2)]);
if (fs.existsSync(jestJson)) {
  const r = JSON.parse(fs.readFileSync(jestJson, 'utf8'));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  // A suite that fails to load has no failed test of its own: count it, so it cannot pass silently.
  totals.failed += r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
  if (r.numTotalTests === 0) problems.push('jest ran no test');
  slowest = slowestFiles(r, ROOT);
} else problems.push('jest wrote no results');
phase('jest');

// 2. The Angular app's unit tests, with its CLI's runner.
const webPkg = path.join(ROOT, 'app/web/package.json');
if (fs.existsSync(webPkg) && JSON.parse(fs.readFileSync(webPkg, 'utf8')).scripts?.test) {
  const { code, out } = await runCapture('npm', ['run', 'test', '-w', 'app/web', '--silent']);
  // Vitest's summary: "Tests  12 passed | 1 failed (13)".
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  const summary = plain.match(/Tests\s+([^\n(]*)\(\d+\)/);
  if (summary) {
    totals.passed += Number(summary[1].match(/(\d+) passed/)?.[1] ?? 0);
    totals.failed += Number(summary[1].match(/(\d+) failed/)?.[1] ?? 0);
    totals.skipped += Number(summary[1].match(/(\d+) skipped/)?.[1] ?? 0);
    if (code !== 0 && !/failed/.test(summary[1])) problems.push(`web unit tests exited ${code}`);
  } else problems.push(`web unit tests printed no summary (exit ${code})`);
  phase('web unit tests');
}

finish();
