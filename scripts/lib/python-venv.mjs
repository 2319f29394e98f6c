import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, has, run } from './run.mjs';

/**
 * `.venv` with the pinned Python tools (moto server, checkov), created or refreshed when requirements-dev.txt
 * changes. Returns its path for the tests (CHAT_VENV).
 */
export async function ensurePythonVenv() {
  const venv = path.join(ROOT, '.venv');
  const reqFile = path.join(ROOT, 'requirements-dev.txt');
  const want = crypto.createHash('sha256').update(fs.readFileSync(reqFile)).digest('hex');
  const stamp = path.join(venv, '.requirements.sha256');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) return venv;

  const python = has('python3') ? 'python3' : 'python';
  console.log('Creating .venv with moto server and checkov (one time)…');
  if (!fs.existsSync(path.join(venv, 'bin', 'pip'))) {
    if ((await run(python, ['-m', 'venv', venv])) !== 0) throw new Error(`${python} -m venv failed: install Python 3.9+ with venv`);
  }
  const pip = path.join(venv, 'bin', 'pip');
  if ((await run(pip, ['install', '--quiet', '--disable-pip-version-check', '-r', reqFile])) !== 0) throw new Error('pip install failed');
  fs.writeFileSync(stamp, want);
  return venv;
}
