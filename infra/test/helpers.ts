import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { buildStacks, type ChatStacks } from '../src/app';
import { DEFAULTS, validateConfig, type InfraConfig } from '../src/config';
import { stacksFor, type StackName } from '../src/names';

/** Every stack's JSON; `auth` only with CHAT_AUTH=cognito (the default). */
export type Synthesized = Record<Exclude<StackName, 'auth'>, string> & { auth: string };

export const TEST_CONFIG: InfraConfig = validateConfig({ ...DEFAULTS, githubRepo: 'octo-org/chat-kit', alertEmail: 'ops@example.org' });

/**
 * A full app synth to disk, exactly what `npm run synth` writes. Testing.synth(stack) is not enough here: it
 * resolves a cross-stack reference as if the resource lived in the same stack, while the real synth turns it
 * into a terraform_remote_state lookup of the producing stack's output.
 */
export function synthToDir(overrides: Partial<InfraConfig> = {}): { outdir: string; stacks: ChatStacks; config: InfraConfig } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-infra-'));
  const config = validateConfig({ ...TEST_CONFIG, ...overrides });
  const app = new App({ outdir });
  const stacks = buildStacks(app, config);
  app.synth();
  return { outdir, stacks, config };
}

const cache = new Map<string, { stacks: ChatStacks; json: Synthesized }>();

/** Every stack's cdk.tf.json (as text, the form cdktf's matchers take) for a configuration. */
export function synthAll(overrides: Partial<InfraConfig> = {}): { stacks: ChatStacks; json: Synthesized } {
  // An override to undefined (unset a default) must not share the cache entry of no override.
  const key = JSON.stringify(overrides, (_k, v: unknown) => (v === undefined ? '<unset>' : v));
  const hit = cache.get(key);
  if (hit) return hit;
  const { outdir, stacks, config } = synthToDir(overrides);
  const json = Object.fromEntries(
    stacksFor(config).map((name) => [
      name,
      fs.readFileSync(path.join(outdir, 'stacks', `${config.prefix}-${name}`, 'cdk.tf.json'), 'utf8'),
    ]),
  ) as Synthesized;
  fs.rmSync(outdir, { recursive: true, force: true });
  const result = { stacks, json };
  cache.set(key, result);
  return result;
}

type Tf = {
  locals?: Record<string, unknown>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
};

export function parse(json: string): Tf {
  return JSON.parse(json) as Tf;
}

/** Every resource of a type in a synthesized stack. */
export function resources(json: string, type: string): Record<string, unknown>[] {
  return Object.values(parse(json).resource?.[type] ?? {});
}

export function only(json: string, type: string): Record<string, unknown> {
  const list = resources(json, type);
  if (list.length !== 1) throw new Error(`expected exactly one ${type}, found ${list.length}`);
  return list[0]!;
}

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export function statements(policyJson: unknown): PolicyStatement[] {
  return (JSON.parse(String(policyJson)) as { Statement: PolicyStatement[] }).Statement;
}

export const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
