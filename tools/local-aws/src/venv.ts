import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from '@chat/cli';

/** The repository root: this package lives at tools/local-aws/{src,dist}. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

/**
 * A tool of the Python virtual environment the test set-up creates (scripts/lib/python-venv.mjs): `CHAT_VENV` when
 * set, else the repository's `.venv`.
 */
export function venvTool(name: string, env: Record<string, string | undefined> = process.env): string {
  const venvs = [env['CHAT_VENV'], path.join(REPO_ROOT, '.venv')].filter((v): v is string => !!v);
  const found = venvs.map((v) => path.join(v, 'bin', name)).find((p) => fs.existsSync(p));
  if (!found) {
    throw new CliError(
      `${name} not found in ${venvs.join(', ')}`,
      'node scripts/lib/python-venv.mjs creates .venv from requirements-dev.txt (npm test and --backend moto do it themselves), or set CHAT_VENV',
    );
  }
  return found;
}

/**
 * For commands (not tests, whose set-up made the venv and set CHAT_VENV): create or refresh `.venv` with the pinned
 * tools of `part` — 'moto' is the emulator alone — through the same script as `npm test`, its progress shown.
 */
export function ensureVenv(part: 'moto' | 'all', env: Record<string, string | undefined> = process.env): void {
  if (env['CHAT_VENV']) return;
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/lib/python-venv.mjs'), part], {
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    // The script's last line is already the problem and its fix; what came before is pip's own output.
    const lines = (r.stderr || r.error?.message || 'python-venv.mjs failed').trimEnd().split('\n');
    throw new CliError(lines.pop()!, undefined, { output: lines.join('\n') || undefined });
  }
}
