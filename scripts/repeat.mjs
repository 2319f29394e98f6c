#!/usr/bin/env node
// `npm run repeat -- --times 20 --burn 1 <jest files or args…>`: run the same jest selection N times in a row,
// optionally with busy processes burning cores beside it (a loaded machine is where flakes show), and stop at the
// first failing run, naming it. Anything that is not one of the options below goes to jest as given.
import { spawn } from 'node:child_process';
import { requireNode24 } from './lib/node-version.mjs';
requireNode24();
const { ROOT } = await import('./lib/run.mjs');

const { createRequire } = await import('node:module');
const { formatUsage } = createRequire(import.meta.url)('@chat/cli');
const USAGE = formatUsage({
  command: 'npm run repeat --',
  summary:
    'The same jest selection N times in a row, optionally with busy processes burning cores beside it (a loaded machine\n' +
    'is where flakes show); stops at the first failing run and names it.',
  arguments: [{ name: 'JEST_ARGS', repeatable: true, description: 'test files and any other jest arguments, given to jest as they are' }],
  options: [
    { flag: '--times', value: 'N', default: '5', description: 'how many runs' },
    { flag: '--burn', value: 'CORES', default: '0', description: 'busy processes beside the runs, one core each' },
  ],
  examples: ['npm run repeat -- --times 20 --burn 1 app/server/test/scale-out.test.ts'],
});

function parse(argv) {
  const opts = { times: 5, burn: 0, jest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith('--') ? arg.split(/=(.*)/s, 2) : [arg];
    if (name === '--times' || name === '--burn') {
      const value = inline ?? argv[++i];
      const n = Number(value);
      const least = name === '--times' ? 1 : 0;
      if (!Number.isInteger(n) || n < least) throw new Error(`${name}: expected a whole number of at least ${least}, got ${value}`);
      opts[name.slice(2)] = n;
    } else if (name === '--help' || name === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else opts.jest.push(arg);
  }
  if (opts.jest.length === 0) throw new Error('no test files given (npm run repeat -- --help)');
  return opts;
}

let opts;
try {
  opts = parse(process.argv.slice(2));
} catch (err) {
  console.error(err.message);
  process.exit(2);
}

// A burner is a plain busy loop in its own process: it takes a core from the tests, as another build would.
const burners = Array.from({ length: opts.burn }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { cwd: ROOT, stdio: 'ignore' }));
const stopBurners = () => burners.forEach((b) => b.kill('SIGKILL'));
process.on('exit', stopBurners);
// Stopped by hand: pass the signal on to the run (jest then stops its servers) and end with it.
let current;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (!current) process.exit(130);
    current.kill(sig);
    current.once('exit', () => process.exit(130));
  });
}

function jest(args) {
  return new Promise((resolve) => {
    current = spawn('npx', ['jest', '--ci', ...args], { cwd: ROOT, stdio: 'inherit' });
    current.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    current.on('error', (err) => {
      console.error(`npx jest: ${err.message}`);
      resolve(127);
    });
  });
}

const label = `${opts.jest.join(' ')}${opts.burn ? ` with ${opts.burn} core(s) burning` : ''}`;
const started = Date.now();
for (let i = 1; i <= opts.times; i++) {
  const t0 = Date.now();
  console.log(`\n=== repeat: run ${i} of ${opts.times}: ${label}`);
  const code = await jest(opts.jest);
  const secs = Math.round((Date.now() - t0) / 1000);
  if (code !== 0) {
    console.log(`\n=== repeat: run ${i} of ${opts.times} FAILED (exit ${code}, ${secs} s); ${i - 1} passed before it`);
    process.exit(1);
  }
  console.log(`=== repeat: run ${i} of ${opts.times} passed (${secs} s)`);
}
console.log(`\n=== repeat: all ${opts.times} runs passed in ${Math.round((Date.now() - started) / 1000)} s: ${label}`);
// The burners would keep this process (and their busy loops) alive: the exit handler ends them.
process.exit(0);
