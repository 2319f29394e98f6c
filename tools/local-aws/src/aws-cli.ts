import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, venvTool } from './venv';

const TOOLS = path.join(REPO_ROOT, '.tools');

function output(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return '';
  }
}

function python(): string {
  try {
    return venvTool('python');
  } catch {
    return 'python3';
  }
}

/**
 * A directory to put first on PATH so that `aws` is the AWS CLI ('' when the machine's own is on PATH already,
 * as on GitHub's runners), else AWS CLI v1 from PyPI installed under .tools.
 */
export function ensureAwsCli(): string {
  const wrapperDir = path.join(TOOLS, 'aws-bin');
  const wrapper = path.join(wrapperDir, 'aws');
  if (existsSync(wrapper)) return wrapperDir;
  if (/aws-cli\//.test(output('bash', ['-c', 'aws --version 2>&1']))) return '';
  const target = path.join(TOOLS, 'awscli');
  execFileSync(python(), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', target, 'awscli>=1.36,<2'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  mkdirSync(wrapperDir, { recursive: true });
  writeFileSync(wrapper, `#!/bin/sh\nPYTHONPATH='${target}' exec '${python()}' -m awscli "$@"\n`, { mode: 0o755 });
  return wrapperDir;
}

/** The directory holding `aws`, for a PATH built from scratch (ensureAwsCli's, or the machine's own). */
export function awsCliDir(): string {
  const dir = ensureAwsCli();
  if (dir) return dir;
  return path.dirname(output('bash', ['-c', 'command -v aws']).trim());
}
