import fs from 'node:fs';
import path from 'node:path';

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
    throw new Error(
      `${name} not found in ${venvs.join(', ')}: run \`npm test\` once (it creates .venv from requirements-dev.txt) or set CHAT_VENV`,
    );
  }
  return found;
}
