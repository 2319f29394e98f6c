/**
 * The workflows cannot run here (no GitHub runner, no AWS): what can be checked is checked.
 * actionlint (with ShellCheck on every `run:` block) must be silent, the deploy scripts must pass
 * ShellCheck, checkov's GitHub Actions policies pass, and the hygiene rules of the issue hold: pinned
 * actions, least permissions, timeouts, one deploy at a time, the production environment.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { venvTool } from '@chat/local-aws';
import { REPO_ROOT, ensureActionlint, ensureShellcheck } from './tools';

const WORKFLOWS = path.join(REPO_ROOT, '.github/workflows');
const workflowFiles = readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => path.join(WORKFLOWS, f));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'timeout-minutes'?: number;
  concurrency?: { group: string; 'cancel-in-progress'?: unknown };
  permissions?: Record<string, string> | string;
  environment?: string | { name: string };
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; 'cancel-in-progress'?: unknown };
  defaults?: { run?: { shell?: string } };
  jobs: Record<string, Job>;
}

const load = (file: string): Workflow => parse(readFileSync(file, 'utf8')) as Workflow;

let actionlint: string;
let shellcheck: string;

beforeAll(() => {
  actionlint = ensureActionlint();
  shellcheck = ensureShellcheck();
}, 300_000);

test('there are the two workflows', () => {
  expect(workflowFiles.map((f) => path.basename(f)).sort()).toEqual(['ci.yml', 'deploy.yml']);
});

test('actionlint, with ShellCheck on every run block, reports nothing', () => {
  const result = spawnSync(actionlint, ['-no-color', '-shellcheck', shellcheck, ...workflowFiles], {
    encoding: 'utf8',
    cwd: REPO_ROOT,
  });
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
});

test('the deploy scripts pass ShellCheck', () => {
  const dirs = ['release', 'release/ci', 'release/test/fixtures'].map((d) => path.join(REPO_ROOT, d));
  const scripts = dirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.sh'))
      .map((f) => path.join(d, f)),
  );
  expect(scripts.map((s) => path.relative(REPO_ROOT, s))).toEqual(
    expect.arrayContaining(['release/release.sh', 'release/bundle.sh', 'release/ci/ship-server.sh']),
  );
  // -x: follow what a script sources (release/ci/pointer.sh), so it is checked in the place it is used.
  const result = spawnSync(shellcheck, ['--severity=style', '-x', ...scripts], { encoding: 'utf8' });
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
});

test("checkov's GitHub Actions checks pass", () => {
  const checkov = venvTool('checkov'); // the test set-up installs checkov into its venv
  // --skip-download: offline, no guideline or policy fetch from the vendor's platform.
  const result = spawnSync(
    checkov!,
    ['--directory', WORKFLOWS, '--framework', 'github_actions', '--skip-download', '--quiet', '--output', 'json'],
    { encoding: 'utf8', env: { ...process.env, BC_SKIP_MAPPING: 'TRUE' }, timeout: 120_000 },
  );
  const report = JSON.parse(result.stdout) as { summary: { passed: number; failed: number; parsing_errors: number } };
  expect(report.summary).toMatchObject({ failed: 0, parsing_errors: 0 });
  expect(report.summary.passed).toBeGreaterThan(0);
}, 150_000);

describe.each(workflowFiles.map((f) => [path.basename(f), f]))('%s', (_name, file) => {
  const wf = load(file);
  const jobs = Object.entries(wf.jobs);

  test('every action is pinned to a full commit SHA with its version in a comment', () => {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^\s*(-\s*)?uses:/.test(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
  });

  test('the token has no permissions by default beyond reading', () => {
    expect(wf.permissions === undefined).toBe(false);
    const top = typeof wf.permissions === 'object' ? wf.permissions : {};
    for (const [scope, level] of Object.entries(top)) expect([scope, level]).toEqual([scope, 'read']);
  });

  test('steps run in bash with pipefail, so a command piped into tee still fails its step', () => {
    expect(wf.defaults?.run?.shell).toBe('bash');
  });

  test('every job has a timeout', () => {
    for (const [, job] of jobs) expect(job['timeout-minutes']).toBeGreaterThan(0);
  });

  test('id-token: write only where OIDC credentials are configured, and nothing else is writable', () => {
    for (const [name, job] of jobs) {
      const perms = typeof job.permissions === 'object' ? job.permissions : {};
      const usesOidc = (job.steps ?? []).some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
      expect([name, perms['id-token'] === 'write']).toEqual([name, usesOidc]);
      for (const [scope, level] of Object.entries(perms)) {
        if (scope !== 'id-token') expect([name, scope, level]).toEqual([name, scope, 'read']);
      }
    }
  });

  test('no long-lived AWS keys or secrets', () => {
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|secrets\./);
  });
});

describe('deploy.yml', () => {
  const wf = load(path.join(WORKFLOWS, 'deploy.yml'));

  test('runs after CI on main and by hand', () => {
    expect(wf.on).toEqual({
      workflow_run: { workflows: ['CI'], types: ['completed'], branches: ['main'] },
      workflow_dispatch: null,
    });
  });

  test('releases never overlap nor cancel each other, and a run that deploys nothing never joins the group', () => {
    expect(wf.jobs.release!.concurrency).toEqual({ group: 'deploy-production', 'cancel-in-progress': false });
    // Workflow-level concurrency would apply before the build job's `if`, so a skipped run could cancel a queued deploy.
    expect(wf.concurrency).toBeUndefined();
  });

  test('the job with AWS credentials runs in the production environment with the repository variables', () => {
    const release = wf.jobs.release!;
    const env = typeof release.environment === 'object' ? release.environment.name : release.environment;
    expect(env).toBe('production');
    const creds = release.steps!.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))!;
    expect(creds.with).toMatchObject({
      'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}',
      'aws-region': '${{ vars.AWS_REGION }}',
    });
    // Nothing from the npm registry runs where the OIDC token can be minted.
    expect(release.steps!.some((s) => /\bnpm\b/.test(s.run ?? ''))).toBe(false);
  });

  test('an explicit guard refuses any branch but main, before the build and before AWS credentials', () => {
    for (const job of ['build', 'release']) {
      const steps = wf.jobs[job]!.steps!;
      const guard = steps.findIndex((st) => st.name === 'Refuse to deploy from any branch but main');
      expect([job, guard]).toEqual([job, 0]);
    }
    const guard = wf.jobs.build!.steps![0]!;
    expect(wf.jobs.release!.steps![0]).toEqual(guard);
    const run = (env: Record<string, string>) =>
      spawnSync('bash', ['-eo', 'pipefail', '-c', guard.run!], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', REPO: 'octo/chat', ...env },
      });
    const push = (branch: string, repo = 'octo/chat') =>
      run({ EVENT: 'workflow_run', RUN_BRANCH: branch, RUN_REPO: repo, DISPATCH_REF: 'refs/heads/main' });
    expect(push('main').status).toBe(0);
    expect(push('feature').status).toBe(1);
    expect(push('feature').stdout).toContain('::error::deploys run only from main, not from feature');
    expect(push('main', 'fork/chat').status).toBe(1);
    expect(run({ EVENT: 'workflow_dispatch', DISPATCH_REF: 'refs/heads/main' }).status).toBe(0);
    expect(run({ EVENT: 'workflow_dispatch', DISPATCH_REF: 'refs/heads/release-test' }).status).toBe(1);
    expect(run({ EVENT: 'workflow_dispatch', DISPATCH_REF: 'refs/tags/main' }).status).toBe(1);
  });

  test('the scripts it calls exist in the repo', () => {
    const runs = Object.values(wf.jobs).flatMap((j) => (j.steps ?? []).map((s) => s.run ?? ''));
    const scripts = runs.flatMap((r) => [...r.matchAll(/\b(release\/[\w./-]+\.sh)\b/g)].map((m) => m[1]!));
    expect(scripts.length).toBeGreaterThanOrEqual(4);
    for (const s of scripts) expect(() => readFileSync(path.join(REPO_ROOT, s))).not.toThrow();
  });
});
