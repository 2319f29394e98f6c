'use strict';
// Long steps say what they are doing and how far along they are. On a terminal one line is redrawn in place (a
// spinner, the elapsed time, what the step reports); elsewhere — CI logs, pipes — a line when a step starts and one
// when it ends, nothing in between, no escape codes.
const { spawn } = require('node:child_process');

/** Whether progress may redraw lines: a terminal that is not CI's. */
function interactive(stream = process.stdout) {
  return Boolean(stream.isTTY) && !process.env.CI && process.env.TERM !== 'dumb';
}

const elapsed = (ms) =>
  ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 60_000).toFixed(1)} min`;
const about = (s) => (s < 90 ? `${Math.round(s / 5) * 5 || s} s` : `${Math.round(s / 60)} min`);
const FRAMES = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

/**
 * Runs `work(report)` as one step. `report(text)` says where it is now ("sending 12 of 60 s"); `report.log(line)`
 * prints a line above the progress. `expectSeconds` is how long it usually takes, shown while it runs.
 * Resolves with work's result; a failure is marked and rethrown.
 */
async function task(title, work, { expectSeconds, stream = process.stdout } = {}) {
  const started = Date.now();
  const tty = interactive(stream);
  const hint = expectSeconds ? `, usually about ${about(expectSeconds)}` : '';
  let detail = '';
  let frame = 0;
  let timer;
  const draw = () =>
    stream.write(
      `\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${title}${detail ? `: ${detail}` : ''} (${elapsed(Date.now() - started)}${hint})`,
    );
  const clear = () => tty && stream.write('\r\x1b[2K');
  const report = (text) => {
    detail = text;
    if (tty) draw();
  };
  report.log = (line) => {
    clear();
    stream.write(`${line}\n`);
    if (tty) draw();
  };
  if (tty) {
    draw();
    timer = setInterval(draw, 120);
    timer.unref();
    process.once('exit', clear);
  } else stream.write(`${title}${expectSeconds ? ` (usually about ${about(expectSeconds)})` : ''}…\n`);
  const end = () => {
    clearInterval(timer);
    clear();
    process.removeListener('exit', clear);
  };
  try {
    const result = await work(report);
    end();
    stream.write(`${tty ? '✓ ' : '  done: '}${title} (${elapsed(Date.now() - started)})\n`);
    return result;
  } catch (err) {
    end();
    stream.write(`${tty ? '✗ ' : '  failed: '}${title} (after ${elapsed(Date.now() - started)})\n`);
    throw err;
  }
}

/** Numbered steps: `const step = steps(3); await step('Build', work)` prints `[1/3] Build`. */
function steps(total) {
  let n = 0;
  return (title, work, options) => task(`[${++n}/${total}] ${title}`, work, options);
}

/**
 * A child process for a step. While progress is drawn (a terminal) its output is kept, not shown, and comes back in
 * `output` (the last 400 lines) for the failure message; otherwise it goes straight through, as CI logs want it.
 */
function runCommand(cmd, args, { quiet = interactive(), ...options } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...options, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    const lines = [];
    const keep = (chunk) => {
      lines.push(...String(chunk).split('\n'));
      if (lines.length > 400) lines.splice(0, lines.length - 400);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', (err) => resolve({ code: 127, output: `${cmd}: ${err.message}` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output: lines.join('\n').trimEnd() }));
  });
}

module.exports = { interactive, task, steps, runCommand };
