'use strict';
// One description per command (its options and the settings it reads) gives both its --help text and its parser, so
// the two cannot disagree; the README tables are checked against the same --help text by the tests.

class UsageError extends Error {
  name = 'UsageError';
}

// "what it is (default X)", or "default X" alone for a setting documented elsewhere.
const described = (x) => {
  if (x.default === undefined) return x.description;
  return x.description ? `${x.description} (default ${x.default})` : `default ${x.default}`;
};
const optionLabel = (o) => `${o.flag}${o.negatable ? ` / --no-${o.flag.slice(2)}` : ''}${o.value ? ` ${o.value}` : ''}`;

function columns(rows, indent = '  ') {
  const width = Math.min(28, Math.max(...rows.map(([left]) => left.length)));
  return rows.map(([left, right]) =>
    left.length > width ? `${indent}${left}\n${indent}${' '.repeat(width + 2)}${right}` : `${indent}${left.padEnd(width)}  ${right}`,
  );
}

/** The --help text: usage line, summary, options, settings (environment variables), examples. */
function formatUsage(spec) {
  const options = [...(spec.options ?? []), { flag: '--help', description: 'show this text and exit' }];
  const args = (spec.arguments ?? []).map((a) => ` [${a.name}${a.repeatable ? ' …' : ''}]`).join('');
  const out = [`Usage: ${spec.command} [options]${args}`, '', spec.summary.trim()];
  if (spec.arguments?.length) out.push('', 'Arguments:', ...columns(spec.arguments.map((a) => [a.name, described(a)])));
  out.push('', 'Options:');
  out.push(...columns(options.map((o) => [optionLabel(o), described(o)])));
  if (spec.settings?.length) {
    out.push('', 'Settings (environment variables):');
    out.push(...columns(spec.settings.map((s) => [s.name, described(s)])));
  }
  if (spec.examples?.length) out.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  if (spec.notes) out.push('', spec.notes.trim());
  return `${out.join('\n')}\n`;
}

/**
 * argv → { help, values, positionals } where values maps each given option's name (the flag without `--`) to its
 * string, or to true/false for a flag without a value. `--flag value`, `--flag=value`, `--no-flag` (negatable ones)
 * and -h; other words are the spec's `arguments`, in order. An option not in the spec, one missing its value, or a
 * word too many is a UsageError.
 */
function parseCommand(argv, spec) {
  const byFlag = new Map((spec.options ?? []).map((o) => [o.flag, o]));
  const values = {};
  const positionals = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-')) {
      const declared = spec.arguments ?? [];
      if (positionals.length >= declared.length && !declared.at(-1)?.repeatable) throw new UsageError(`unexpected argument ${arg}`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const name = flag.replace(/^--/, '');
    const option = byFlag.get(flag);
    if (!option) {
      const negated = flag.startsWith('--no-') ? byFlag.get(`--${flag.slice(5)}`) : undefined;
      if (negated?.negatable && eq < 0) {
        values[flag.slice(5)] = false;
        continue;
      }
      throw new UsageError(`unknown option ${arg}`);
    }
    if (!option.value) {
      if (eq > 0) throw new UsageError(`${flag} takes no value`);
      values[name] = true;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`${flag} needs ${option.value}`);
    values[name] = value;
  }
  return { help, values, positionals };
}

/**
 * parseCommand for a command's main: --help prints the usage and exits 0; a usage error is one line naming the
 * problem and where the options are listed, exit 2. The values, with the positional arguments under `_`.
 */
function commandLine(argv, spec) {
  try {
    const parsed = parseCommand(argv, spec);
    if (parsed.help) {
      process.stdout.write(formatUsage(spec));
      process.exit(0);
    }
    return Object.assign(parsed.values, { _: parsed.positionals });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message} (${spec.command} --help lists the options)`);
    process.exit(2);
  }
}

module.exports = { UsageError, formatUsage, parseCommand, commandLine };
