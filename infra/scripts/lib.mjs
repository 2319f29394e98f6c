// Shared by deploy.mjs and destroy.mjs: configuration, tool discovery, per-stack terraform, outputs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const infraDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
// The compiled app (the npm script builds it first): one source of truth for names and configuration.
export const { loadConfig, requireDeploySettings, ConfigError } = require(path.join(infraDir, 'dist', 'config.js'));
export const { STACK_ORDER, stackId } = require(path.join(infraDir, 'dist', 'names.js'));
export const { synthMain } = require(path.join(infraDir, 'dist', 'main.js'));
export const { flattenOutputs, describeOutputs, BUCKET_OUTPUTS } = require(path.join(infraDir, 'dist', 'outputs.js'));
export const { emptyBucket } = require(path.join(infraDir, 'dist', 'empty-bucket.js'));

export const outdir = path.join(infraDir, 'cdktf.out');
export const outputsFile = path.join(infraDir, 'outputs.json');

export function fail(message, code = 1) {
  console.error(`\n${message}`);
  process.exit(code);
}

export function configOrExit({ forDeploy }) {
  try {
    const config = loadConfig(process.env);
    if (forDeploy) requireDeploySettings(config);
    return config;
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message, 2);
    throw e;
  }
}

function works(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'ignore', shell: false });
  return r.status === 0;
}

/** terraform, or OpenTofu: TERRAFORM_BINARY_NAME (the variable cdktf itself reads) wins, then whichever is installed. */
export function terraformBinary() {
  const candidates = [process.env.TERRAFORM_BINARY_NAME, 'terraform', 'tofu'].filter(Boolean);
  const found = candidates.find((c) => works(c, ['version']));
  if (!found) fail('Neither terraform (>= 1.10) nor OpenTofu (tofu >= 1.10) is on PATH: install one of them first (see infra/README.md).');
  return found;
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
  if (r.status !== 0) fail(`${cmd} ${args[0]} failed (exit ${r.status ?? r.signal}).`);
}

export function stackIds(config) {
  return STACK_ORDER.map((name) => stackId(config.prefix, name));
}

export function stackDir(id) {
  return path.join(outdir, 'stacks', id);
}

export function synth() {
  const code = synthMain({ ...process.env, CDKTF_OUTDIR: outdir }, (l) => console.log(l));
  if (code !== 0) process.exit(code);
}

export function init(tf, id) {
  run(tf, [`-chdir=${stackDir(id)}`, 'init', '-input=false', '-upgrade=false']);
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
