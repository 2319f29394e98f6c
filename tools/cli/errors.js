'use strict';
// A command that fails says so in one line: the problem and the command that fixes it. The stack trace is for
// whoever asks for it (--verbose, LOG_LEVEL=debug).
const { UsageError } = require('./usage');

/** An expected failure: `problem` (what is wrong) and `fix` (what to run or set). */
class CliError extends Error {
  name = 'CliError';
  constructor(problem, fix, { exitCode = 1, output } = {}) {
    super(problem);
    this.fix = fix;
    this.exitCode = exitCode;
    /** What a child process printed before it failed, shown above the one line. */
    this.output = output;
  }
}

/** The one line: `problem — fix`. */
const oneLine = (problem, fix) => (fix ? `${problem} — ${fix}` : problem);

const hostPort = (e) => [e.address, e.port].filter((x) => x !== undefined).join(':');

/**
 * The one line for an error: a CliError's own, a system error the user can act on (a busy port, an unreachable
 * host) in words, anything else its first message line.
 */
function describeError(err) {
  if (err instanceof CliError) return oneLine(err.message, err.fix);
  if (err instanceof UsageError) return err.message;
  const e = err ?? {};
  const cause = e.cause ?? {};
  const code = e.code ?? cause.code ?? e.errors?.[0]?.code;
  const where = hostPort(e.address ? e : cause.address ? cause : (e.errors?.[0] ?? {}));
  switch (code) {
    case 'EADDRINUSE':
      return oneLine(`port ${e.port ?? where} is already in use`, 'stop what listens there, or choose another port (PORT=<free port>)');
    case 'ECONNREFUSED':
      return oneLine(
        `nothing answers at ${where || 'the endpoint'} (connection refused)`,
        'start that server, or check the URL or endpoint setting',
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return oneLine(
        `cannot resolve ${e.hostname ?? cause.hostname ?? 'the host'} (${code})`,
        'check the URL or endpoint setting and the network',
      );
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return oneLine(`no answer from ${where || 'the endpoint'} (${code})`, 'check the network and that the server runs');
    default: {
      const text = (err instanceof Error ? err.message : String(err)).split('\n')[0] || String(err);
      return verbose() ? text : `${text} (--verbose or LOG_LEVEL=debug shows the stack trace)`;
    }
  }
}

/** --verbose on the command line or LOG_LEVEL=debug/trace: show stack traces. */
function verbose(argv = process.argv, env = process.env) {
  return argv.includes('--verbose') || env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace';
}

/** Prints an error the way every command does: captured child output (if any), then the one line; the stack when verbose. */
function reportError(err, { prefix } = {}) {
  if (err?.output) console.error(err.output);
  console.error(`${prefix ? `${prefix}: ` : ''}${describeError(err)}`);
  if (verbose() && err instanceof Error) console.error(err.stack);
}

/** A command's entry point: runs `main`, reports a failure in one line and exits with its code (CliError's, 2 for usage, else 1). */
function runMain(main, options) {
  Promise.resolve()
    .then(main)
    .catch((err) => {
      reportError(err, options);
      process.exit(err instanceof CliError ? err.exitCode : err instanceof UsageError ? 2 : 1);
    });
}

/** `url`'s response, whatever its status; when nothing answers, a CliError naming the URL, the reason and `fix`. */
async function reachable(url, fix, timeoutMs = 10_000) {
  try {
    return await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    // fetch() says only "fetch failed": the reason (refused, DNS, timeout) is in `cause`.
    const reason = err.cause?.code ?? err.cause?.message ?? err.message;
    throw new CliError(`nothing answers at ${url} (${reason})`, fix);
  }
}

module.exports = { CliError, reachable, describeError, oneLine, reportError, runMain, verbose };
