/** Shared by the deploy/destroy tests: the compiled infra app the scripts load, and a PATH with the terraform stand-in. */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { MOTO_CREDENTIALS, MOTO_REGION } from '@chat/local-aws';

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

/** The AWS SDK and CLI pointed at moto with its keys, and at nothing else: no shared config or credentials, no IMDS. */
export function motoAwsEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_REGION: MOTO_REGION,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

const execFileAsync = promisify(execFile);

/** Runs `infra/scripts/<script>` with node; its exit code and all it printed, whether it succeeded or not. */
export async function runInfraScript(
  script: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string; timeout?: number },
): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [path.join(REPO_ROOT, 'infra/scripts', script), ...args], {
      env: opts.env,
      cwd: opts.cwd ?? REPO_ROOT,
      maxBuffer: 32 * 1024 * 1024,
      ...(opts.timeout ? { timeout: opts.timeout } : {}),
    });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}
