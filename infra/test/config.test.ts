import * as fs from 'node:fs';
import * as path from 'node:path';
import { codeNames, markdownTable } from '@chat/cli';
import { nodeRelease, pinnedNodeVersion } from '../src/boot/node-release';
import { ConfigError, DEFAULTS, ENV_NAMES, loadConfig, PLACEHOLDER_DEFAULTS, validateConfig } from '../src/config';
import { websiteHost } from '../src/names';

describe('configuration', () => {
  test('defaults are valid and synthesize without any environment', () => {
    expect(loadConfig({})).toEqual(DEFAULTS);
  });

  test('environment variables override defaults, typed', () => {
    const c = loadConfig({
      CHAT_REGION: 'eu-central-1',
      CHAT_PREFIX: 'mychat',
      CHAT_GITHUB_REPO: 'me/chat',
      CHAT_ALERT_EMAIL: 'me@example.org',
      CHAT_BUDGET_USD: '2',
      CHAT_CLOUDFRONT: 'false',
      CHAT_PITR: 'yes',
      CHAT_DYNAMO_BILLING: 'on-demand',
      CHAT_UPLOAD_EXPIRY_DAYS: '14',
    });
    expect(c).toMatchObject({
      region: 'eu-central-1',
      prefix: 'mychat',
      githubRepo: 'me/chat',
      alertEmail: 'me@example.org',
      budgetUsd: 2,
      cloudfront: false,
      pointInTimeRecovery: true,
      dynamoBilling: 'on-demand',
      uploadExpiryDays: 14,
    });
  });

  test('HTTPS through CloudFront is the default; CHAT_CLOUDFRONT=false is the explicit opt-out', () => {
    expect(DEFAULTS.cloudfront).toBe(true);
    expect(loadConfig({}).cloudfront).toBe(true);
    expect(loadConfig({ CHAT_CLOUDFRONT: 'false' }).cloudfront).toBe(false);
  });

  test('the Valkey token update is ROTATE unless rotate-secrets says SET', () => {
    expect(loadConfig({}).valkeyTokenUpdate).toBe('ROTATE');
    expect(loadConfig({ CHAT_VALKEY_TOKEN_UPDATE: 'SET' }).valkeyTokenUpdate).toBe('SET');
    expect(() => loadConfig({ CHAT_VALKEY_TOKEN_UPDATE: 'DELETE' })).toThrow(/must be ROTATE or SET/);
  });

  test('AWS_REGION is used when CHAT_REGION is not set', () => {
    expect(loadConfig({ AWS_REGION: 'eu-west-1' }).region).toBe('eu-west-1');
    expect(loadConfig({ AWS_REGION: 'eu-west-1', CHAT_REGION: 'us-west-2' }).region).toBe('us-west-2');
  });

  test('every problem is reported at once', () => {
    let error: unknown;
    try {
      loadConfig({ CHAT_REGION: 'mars', CHAT_GITHUB_REPO: 'no-slash', CHAT_CLOUDFRONT: 'maybe', CHAT_INSTANCE_TYPE: 'm5.large' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.join('\n')).toMatch(/CHAT_CLOUDFRONT="maybe"/);
    expect(() => validateConfig({ ...DEFAULTS, region: 'mars', githubRepo: 'no-slash', instanceType: 'M5 large' })).toThrow(
      /region "mars"[\s\S]*githubRepo "no-slash"[\s\S]*instanceType "M5 large"/,
    );
  });

  test.each([
    ['prefix', { prefix: 'Chat_Prod' }],
    ['a budget below 1 USD', { budgetUsd: 0 }],
    ['SSH as the app port', { appPort: 22 }],
    ['capacity beyond the free allowance', { dynamoCapacity: 26 }],
    ['a Node version other than 24', { nodeVersion: '22.11.0' }],
    ['a Node version without pinned checksums', { nodeVersion: '24.0.0' }],
    ['a wildcard branch', { githubBranch: '*' }],
  ])('rejects %s', (_what, bad) => {
    expect(() => validateConfig({ ...DEFAULTS, ...bad })).toThrow(ConfigError);
  });

  test('the Node version .nvmrc pins has checksums in the repo (bumping .nvmrc alone fails here)', () => {
    expect(() => nodeRelease(pinnedNodeVersion())).not.toThrow();
    expect(DEFAULTS.nodeVersion).toBe(pinnedNodeVersion());
  });

  test('website endpoints use the region’s separator', () => {
    expect(websiteHost('b', 'us-east-1')).toBe('b.s3-website-us-east-1.amazonaws.com');
    expect(websiteHost('b', 'eu-central-1')).toBe('b.s3-website.eu-central-1.amazonaws.com');
  });
});

describe('names that follow the prefix', () => {
  test('the SSM prefix of the deploy targets is /<prefix>/prod unless set', () => {
    expect(loadConfig({}).ssmPrefix).toBe('/chat/prod');
    expect(loadConfig({ CHAT_PREFIX: 'demo' }).ssmPrefix).toBe('/demo/prod');
    expect(loadConfig({ CHAT_PREFIX: 'demo', CHAT_SSM_PREFIX: '/x/y' }).ssmPrefix).toBe('/x/y');
  });
});

/** infra/README.md's Configuration table and src/config.ts name the same settings with the same defaults. */
describe("infra/README.md's Configuration table", () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');
  const documented = new Map(
    markdownTable(readme, '## Configuration').rows.flatMap(([names = '', defaults = '']) =>
      codeNames(names)
        .filter((n) => n.startsWith('CHAT_'))
        .map((n) => [n, defaults] as const),
    ),
  );

  test('lists every CHAT_ setting config.ts reads, and no other', () => {
    expect([...documented.keys()].sort()).toEqual(Object.values(ENV_NAMES).sort());
  });

  test.each(Object.entries(ENV_NAMES))('%s (%s): the documented default is the code default', (key, name) => {
    const value = DEFAULTS[key as keyof typeof DEFAULTS];
    const cell = documented.get(name) ?? '';
    if (value === undefined || PLACEHOLDER_DEFAULTS.has(key as keyof typeof DEFAULTS)) expect(cell).toMatch(/^—/);
    else expect(codeNames(cell)).toContain(String(value));
  });
});
