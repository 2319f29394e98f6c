/** Shared by the deploy/destroy tests: the compiled infra app the scripts load, and a PATH with the terraform stand-in. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(__dirname, 'fixtures');

/** deploy.mjs and destroy.mjs load infra/dist (npm run deploy builds it first); tsc -b, serialized across jest workers. */
export function buildInfra(...more: string[]): void {
  buildProjects('infra/tsconfig.json', ...more);
}

/** `tsc -b` of the given projects (paths from the repository root), one build at a time across jest workers. */
export function buildProjects(...projects: string[]): void {
  const lock = path.join(REPO_ROOT, '.tools', '.build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  execFileSync('flock', [lock, process.execPath, path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-b', ...projects], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/**
 * PATH for a deploy run: the terraform stand-in (unless `terraform: false`), node, and the system directories,
 * but not /usr/local/bin, where a real terraform may be.
 */
export function standinPath(o: { terraform?: boolean; extra?: string[] } = {}): string {
  const dirs = [...(o.extra ?? [])];
  if (o.terraform !== false) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-tf-standin-'));
    fs.symlinkSync(path.join(FIXTURES, 'terraform'), path.join(dir, 'terraform'));
    dirs.push(dir);
  }
  return [...dirs, path.dirname(process.execPath), '/usr/bin', '/bin'].join(':');
}
