// `.venv` with the pinned Python tools of requirements-dev.txt: all of them for the tests (moto server, checkov), or
// only moto's line for the commands that need no scanner (`npm run loadtest -- --backend moto`). Created or refreshed
// when the pinned lines change. Also a command: `node scripts/lib/python-venv.mjs [moto]`.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, has } from './run.mjs';
import { CliError, runCommand, runMain, task } from '../../tools/cli/index.js';

const REQUIREMENTS = path.join(ROOT, 'requirements-dev.txt');
const sha256 = (text) => crypto.createHash('sha256').update(text).digest('hex');
const read = (file) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/** The pinned requirement lines for `part`: 'all', or 'moto' (the emulator alone). */
export function requirementLines(part, text = read(REQUIREMENTS)) {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return part === 'moto' ? lines.filter((l) => /^moto\b/.test(l)) : lines;
}

function stamps(venv, text) {
  // The stamp of the whole file covers moto too; a moto-only venv has a stamp of its own.
  return {
    all: [path.join(venv, '.requirements.sha256'), sha256(text)],
    moto: [path.join(venv, '.moto.sha256'), sha256(requirementLines('moto', text).join('\n'))],
  };
}

/** Whether `.venv` lacks the pinned tools of `part` ('all' or 'moto'). */
export function venvNeedsInstall(part = 'all', venv = path.join(ROOT, '.venv')) {
  const s = stamps(venv, read(REQUIREMENTS));
  const fresh = ([file, want]) => read(file) === want;
  return !(fresh(s.all) || (part === 'moto' && fresh(s.moto)));
}

/** Creates or refreshes `.venv` for `part` ('all' or 'moto'); returns its path (the tests' CHAT_VENV). */
export async function ensurePythonVenv({ part = 'all' } = {}) {
  const venv = path.join(ROOT, '.venv');
  if (!venvNeedsInstall(part, venv)) return venv;
  const text = read(REQUIREMENTS);
  const lines = requirementLines(part, text);
  const what = part === 'moto' ? 'the moto server' : 'the moto server and checkov';
  await task(
    `${fs.existsSync(venv) ? 'Updating' : 'Creating'} .venv with ${what} (from PyPI: ${lines.join(' ')})`,
    async () => {
      if (!fs.existsSync(path.join(venv, 'bin', 'pip'))) {
        const python = has('python3') ? 'python3' : has('python') ? 'python' : undefined;
        if (!python)
          throw new CliError(
            `Python 3 is not installed (${what} runs in it)`,
            'install Python 3.9+ with venv (Debian: apt-get install python3-venv)',
          );
        const made = await runCommand(python, ['-m', 'venv', venv], { cwd: ROOT });
        if (made.code !== 0) {
          throw new CliError(
            `${python} -m venv .venv failed`,
            'install the venv module (Debian: apt-get install python3-venv), then run this again',
            {
              output: made.output,
            },
          );
        }
      }
      const pip = await runCommand(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...lines], {
        cwd: ROOT,
      });
      if (pip.code !== 0) {
        throw new CliError(
          `pip could not install ${lines.join(' ')} into .venv`,
          'check access to PyPI (or PIP_INDEX_URL), then run this again',
          {
            output: pip.output,
          },
        );
      }
    },
    { expectSeconds: part === 'moto' ? 45 : 120 },
  );
  const [file, want] = stamps(venv, text)[part];
  fs.writeFileSync(file, want);
  return venv;
}

if (import.meta.main) {
  const part = process.argv[2] ?? 'all';
  if (!['all', 'moto'].includes(part)) {
    console.error('usage: node scripts/lib/python-venv.mjs [all|moto]');
    process.exit(2);
  }
  runMain(() => ensurePythonVenv({ part }));
}
