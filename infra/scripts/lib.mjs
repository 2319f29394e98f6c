// Shared by deploy.mjs and destroy.mjs: configuration, preflight, per-stack terraform, outputs.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { task } from '@chat/cli';

export const infraDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(infraDir, '..');
const require = createRequire(import.meta.url);
// The compiled app (the npm script builds it first): one source of truth for names and configuration.
export const { loadConfig, ConfigError, DEFAULTS, ENV_NAMES, PLACEHOLDER_DEFAULTS, SETTING_HELP } = require(
  path.join(infraDir, 'dist', 'config.js'),
);
export const { stacksFor, stackId } = require(path.join(infraDir, 'dist', 'names.js'));
export const { synthMain } = require(path.join(infraDir, 'dist', 'main.js'));
// The deploy tooling (infra/src/deploy/).
const deploy = (name) => require(path.join(infraDir, 'dist', 'deploy', `${name}.js`));
export const { awsClients } = deploy('clients');
export const { runPreflight, formatReport } = deploy('preflight');
export const { plannedResources } = deploy('plan');
export const { findLeftovers } = deploy('leftovers');
export const { flattenOutputs, describeOutputs, BUCKET_OUTPUTS } = deploy('outputs');
export const { emptyBucket } = deploy('empty-bucket');
export const { shipPlan } = deploy('ship-plan');
export const { ensureSecrets, deleteSecrets, describeSecret, secretValue, setSecret, newSecretValue } = deploy('secrets');
export const { parseReleasePointer } = require(path.join(infraDir, 'dist', 'names.js'));
export const { secretsFor, SECRET_NAMES } = require(path.join(infraDir, 'dist', 'secrets.js'));

export const outdir = path.join(infraDir, 'cdktf.out');
export const outputsFile = path.join(infraDir, 'outputs.json');

export function fail(message, code = 1) {
  console.error(`\n${message}`);
  process.exit(code);
}

export function configOrExit() {
  try {
    return loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message, 2);
    throw e;
  }
}

function works(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'ignore', shell: false });
  return r.status === 0;
}

/**
 * The preflight (infra/src/deploy/preflight.ts), printed; exits before any change when a check fails. A discovered
 * free-tier instance type becomes CHAT_INSTANCE_TYPE for the synth that follows.
 */
export async function preflightOrExit(config, mode) {
  const report = await task(
    `Checking ${{ deploy: 'whether a deploy would work', destroy: 'before destroying', rotate: 'before rotating secrets' }[mode]} (${config.prefix} in ${config.region}${process.env.AWS_ENDPOINT_URL ? ` at ${process.env.AWS_ENDPOINT_URL}` : ''})`,
    () => runPreflight({ config, env: process.env, clients: awsClients(config.region), mode }),
  );
  console.log(formatReport(report));
  if (!report.ok) fail(`Preflight failed: nothing was changed. Fix the lines marked FAIL, then run npm run ${mode} again.`, 1);
  if (report.instanceType && !process.env.CHAT_INSTANCE_TYPE) process.env.CHAT_INSTANCE_TYPE = report.instanceType;
  return { ...report, config: configOrExit() };
}

/** The cdktf CLI if installed (`npm i -g cdktf-cli@0.21.0`, or in node_modules); otherwise terraform runs each stack itself. */
export function cdktfCli() {
  const local = [path.join(infraDir, 'node_modules', '.bin', 'cdktf'), path.join(infraDir, '..', 'node_modules', '.bin', 'cdktf')];
  const found = [...local.filter((p) => fs.existsSync(p)), 'cdktf'].find((c) => works(c, ['--version']));
  return found ?? null;
}

export function run(cmd, args, opts = {}) {
  console.log(`\n$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: infraDir, ...opts });
  if (r.status !== 0) fail(`${path.basename(cmd)} ${args[0]} failed (exit ${r.status ?? r.signal}).`);
}

/** Numbered steps, so the output says where a deploy is and where it stopped. */
export function stepper(total) {
  let n = 0;
  return (title) => console.log(`\n[${++n}/${total}] ${title}`);
}

/**
 * The stacks to apply: the ci stack (GitHub's deploy role) only when a repository is configured, the auth stack only
 * with CHAT_AUTH=cognito (the only one synthesized; destroy's report still finds a pool left from an earlier setting).
 */
export function stackIds(config, { all = false } = {}) {
  const names = all || config.githubRepo !== DEFAULTS.githubRepo ? stacksFor(config) : stacksFor(config).filter((n) => n !== 'ci');
  return names.map((name) => stackId(config.prefix, name));
}

/** The release's id: the commit, or for a tree with uncommitted changes a hash of commit + diff (same tree, same id). */
export function releaseSha() {
  const git = (...args) => spawnSync('git', ['-C', repoRoot, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const head = git('rev-parse', 'HEAD').stdout.trim();
  if (!/^[0-9a-f]{40}$/.test(head)) fail('npm run deploy ships a git commit: run it inside the repository clone.');
  const diff = git('diff', 'HEAD', '--binary').stdout;
  return diff ? createHash('sha1').update(head).update(diff).digest('hex') : head;
}

export function stackDir(id) {
  return path.join(outdir, 'stacks', id);
}

export async function synth() {
  const code = await task('Synthesizing the stacks (cdktf)', (report) => synthMain({ ...process.env, CDKTF_OUTDIR: outdir }, report.log));
  if (code !== 0) process.exit(code);
}

export function init(tf, id) {
  run(tf, [`-chdir=${stackDir(id)}`, 'init', '-input=false', '-upgrade=false']);
}

/** Applies the stacks in order: through the cdktf CLI when installed (it synthesizes again), or terraform per stack. */
export function applyStacks(tf, ids) {
  const cdktf = cdktfCli();
  if (cdktf) {
    run(cdktf, ['deploy', ...ids, '--auto-approve'], { env: { ...process.env, TERRAFORM_BINARY_NAME: tf } });
    return;
  }
  for (const id of ids) {
    init(tf, id);
    run(tf, [`-chdir=${stackDir(id)}`, 'apply', '-input=false', '-auto-approve']);
  }
}

/** The release-script environment: the region for the AWS CLI, and no pager. */
export function releaseEnv(config, extra = {}) {
  return { ...process.env, AWS_REGION: config.region, AWS_DEFAULT_REGION: config.region, AWS_PAGER: '', ...extra };
}

/** `terraform output -json` of one stack; {} when it has no state yet. */
export function stackOutputs(tf, id) {
  const r = spawnSync(tf, [`-chdir=${stackDir(id)}`, 'output', '-json'], { encoding: 'utf8', cwd: infraDir });
  if (r.status !== 0) return {};
  try {
    return JSON.parse(r.stdout || '{}');
  } catch {
    return {};
  }
}

export function collectOutputs(tf, ids) {
  return flattenOutputs(Object.fromEntries(ids.map((id) => [id, stackOutputs(tf, id)])));
}

/**
 * `npm run deploy` / `destroy`'s --help: their options and every setting they read (the stacks' CHAT_* settings with
 * their defaults; infra/README.md's Configuration table says more, and a test keeps it to the same names and defaults).
 */
export function commandSpec(mode) {
  const stackSettings = Object.entries(ENV_NAMES).map(([key, name]) => ({
    name,
    description: SETTING_HELP[key],
    ...(DEFAULTS[key] === undefined || PLACEHOLDER_DEFAULTS.has(key) ? {} : { default: String(DEFAULTS[key]) }),
  }));
  const common = [
    { name: 'AWS_PROFILE', description: 'the AWS CLI profile whose credentials are used (aws configure, aws sso login)' },
    { name: 'TERRAFORM_BINARY_NAME', default: 'terraform, else tofu', description: 'the Terraform (or OpenTofu) to run' },
  ];
  if (mode === 'rotate')
    return {
      command: 'npm run rotate-secrets --',
      summary:
        "New values for the deployment's secrets, delivered so that CloudFront, Valkey and the servers never disagree:\n" +
        'the new values into SSM, the stacks applied, every server restarted on its release (twice, with the old value\n' +
        'still accepted in between, for the origin secret and the Valkey token).',
      arguments: [
        { name: 'NAME', repeatable: true, description: `a secret to rotate (${SECRET_NAMES.join(', ')}); none: every one the layout uses` },
      ],
      settings: [...stackSettings, ...common],
      examples: ['npm run rotate-secrets', 'npm run rotate-secrets -- admin-token'],
      notes: 'Give the same CHAT_REGION and CHAT_PREFIX as the deploy. infra/README.md "Secrets" says what each one guards.',
    };
  return mode === 'deploy'
    ? {
        command: 'npm run deploy --',
        summary:
          'From an AWS account to a chat URL: the preflight checks, then the stacks, the first (or next) release, the site, and\n' +
          'a smoke test through the public URL; ends with "Chat: <URL>". Run it again to ship a change.',
        options: [{ flag: '--check', description: 'the checks and the list of what would be created, nothing changed' }],
        settings: [
          ...stackSettings,
          ...common,
          { name: 'CHAT_SITE_DIR', default: 'app/web/dist/browser', description: 'the built site to publish' },
          { name: 'CHAT_LIVE_TIMEOUT_MS', default: '900000', description: 'how long to wait for the public URLs to answer' },
        ],
        examples: ['CHAT_ALERT_EMAIL=you@your-domain npm run deploy -- --check', 'CHAT_ALERT_EMAIL=you@your-domain npm run deploy'],
        notes: 'infra/README.md describes every CHAT_* setting.',
      }
    : {
        command: 'npm run destroy --',
        summary:
          'The same checks, then every bucket emptied, every stack destroyed in reverse order, and a look at the account for\n' +
          'anything of the chat left that bills. Ends with "nothing left", or the list of what is.',
        settings: [...stackSettings, ...common],
        notes: 'Give the same CHAT_REGION and CHAT_PREFIX as the deploy. infra/README.md describes every CHAT_* setting.',
      };
}
