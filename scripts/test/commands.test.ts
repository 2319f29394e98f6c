/**
 * Every root command answers --help with its options and settings, and the READMEs list exactly those: the
 * README's Commands table (or the per-command README it links to) names each command's options, and every setting a
 * command reads is in a README. A new option, command or setting without its docs fails here.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { codeNames, markdownTable, usageOptions, usageSettings } from '@chat/cli';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const rootScripts: Record<string, string> = JSON.parse(read('package.json')).scripts;
/** npm's own lifecycle and the tooling scripts; every other root script is a command with a --help. */
const NOT_COMMANDS = new Set(['start', 'test', 'build', 'synth', 'format', 'format:check', 'lint']);
const commands = Object.keys(rootScripts).filter((n) => !NOT_COMMANDS.has(n));
const READMES = ['README.md', 'infra/README.md', 'loadtest/README.md', 'app/web/README.md', 'release/README.md'];

/** The program behind `npm run <name>` without npm and the set-up around it (what `npm test` has built). */
function program(name: string): { cwd: string; command: string } {
  const script = rootScripts[name]!;
  const ws = /^node scripts\/workspace\.mjs (\S+) (\S+)$/.exec(script);
  if (!ws) return { cwd: ROOT, command: script };
  const wsScript: string = JSON.parse(read(`${ws[1]}/package.json`)).scripts[ws[2]!];
  return { cwd: path.join(ROOT, ws[1]!), command: wsScript.split('&&').pop()!.trim() };
}

const helps = new Map<string, { status: number | null; stdout: string; stderr: string }>();
function help(name: string) {
  if (!helps.has(name)) {
    const { cwd, command } = program(name);
    const r = spawnSync('sh', ['-c', `${command} --help`], { cwd, encoding: 'utf8', timeout: 30_000 });
    helps.set(name, { status: r.status, stdout: r.stdout, stderr: r.stderr });
  }
  return helps.get(name)!;
}

/** README's Commands table: command name → the options cell. */
function commandsTable(): Map<string, string> {
  const { rows } = markdownTable(read('README.md'), '## Commands');
  return new Map(rows.flatMap((r) => [...(r[0] ?? '').matchAll(/`npm run ([\w:-]+)[^`]*`/g)].map((m) => [m[1]!, r[1] ?? ''] as const)));
}

/** The options a README documents for a command: its cell's flags, or the options table of the README it links to. */
function documentedOptions(cell: string): string[] {
  const linked = /\]\(([\w/.-]+\.md)[^)]*\)/.exec(cell)?.[1];
  const flags = codeNames(cell).filter((n) => n.startsWith('--'));
  if (flags.length > 0 || !linked) return flags;
  return markdownTable(read(linked), '| option |').rows.flatMap((r) => codeNames(r[0] ?? '').filter((n) => n.startsWith('--')));
}

test('the root commands this test knows (a new one needs --help and a README row)', () => {
  expect(commands).toEqual(expect.arrayContaining(['loadtest', 'socket-memory', 'redrive', 'deploy', 'destroy', 'lighthouse']));
});

describe.each(commands)('npm run %s', (name) => {
  test('--help exits 0 with its usage', () => {
    const r = help(name);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: npm run ${name} -- `));
  });

  test("README's Commands table lists exactly its options", () => {
    const cell = commandsTable().get(name);
    expect(cell).toBeDefined();
    expect(documentedOptions(cell!).sort()).toEqual(usageOptions(help(name).stdout).sort());
  });

  test('every setting it reads is documented in a README', () => {
    const docs = READMES.map(read).join('\n');
    const missing = usageSettings(help(name).stdout).filter((s) => !docs.includes(`\`${s}\``));
    expect(missing).toEqual([]);
  });
});
