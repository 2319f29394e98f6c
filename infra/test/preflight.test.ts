/**
 * `npm run deploy -- --check` as a new user runs it (infra/scripts/deploy.mjs --check, a child process with its own
 * environment), against moto for STS, EC2 (free-tier discovery) and S3 Control (Block Public Access). terraform is
 * replaced by a recording stand-in on PATH (test/fixtures/terraform): its AWS provider cannot be installed here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeletePublicAccessBlockCommand, PutPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { MOTO_CREDENTIALS, MOTO_REGION, startMoto, type Moto } from '@chat/local-aws';
import { fixedEndpoint } from '../src/deploy/clients';
import { reservedDomain } from '../src/deploy/preflight';
import { buildInfra, runInfraScript, standinPath } from './deploy-helpers';

const INFRA = path.resolve(__dirname, '..');
const ACCOUNT = '123456789012';

let moto: Moto;
let home: string;
let s3control: S3ControlClient;

interface Result {
  code: number;
  out: string;
}

/** A shell with nothing but what the test gives it: no profile, no keys, no instance metadata. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: standinPath(),
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: MOTO_REGION,
    // Not a reserved example domain: the preflight refuses those (see the placeholder test).
    CHAT_ALERT_EMAIL: 'me@realtime-chat.dev',
    ...extra,
  };
}

const withKeys = { AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey };

function check(env: NodeJS.ProcessEnv): Promise<Result> {
  return runInfraScript('deploy.mjs', ['--check'], { env, cwd: INFRA });
}

beforeAll(async () => {
  buildInfra();
  moto = await startMoto();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-preflight-'));
  s3control = new S3ControlClient({ region: MOTO_REGION, endpointProvider: fixedEndpoint(moto.endpoint), credentials: MOTO_CREDENTIALS });
}, 300_000);

afterAll(async () => {
  s3control?.destroy();
  await moto?.stop();
  fs.rmSync(home, { recursive: true, force: true });
});

test('with credentials: account, region, terraform, the first free-tier type, public access, e-mail, and what would be created', async () => {
  const r = await check(cleanEnv(withKeys));
  expect(r.out).toMatch(/ok +credentials +account 123456789012/);
  expect(r.out).toMatch(/ok +region +us-east-1/);
  expect(r.out).toMatch(/ok +terraform +terraform 1\.10\.5/);
  // moto offers t3.micro, t4g.micro, t8i.micro… as free-tier eligible: x86_64 first, smallest first.
  expect(r.out).toMatch(/ok +instance type +t3\.micro \(the first free-tier-eligible type here; of t3\.micro, /);
  expect(r.out).toMatch(/ok +public site bucket +no account-level Block Public Access/);
  expect(r.out).toMatch(/ok +alert e-mail +me@realtime-chat\.dev/);
  expect(r.out).toMatch(/Would create or update[\s\S]*chat-data \(\d+\): [^\n]*sqs_queue[\s\S]*chat-compute \(\d+\): [^\n]*instance/);
  // Without a GitHub repository there is no ci stack to apply.
  expect(r.out).not.toMatch(/^ {2}chat-ci /m);
  expect(r.out).toContain('Check passed: nothing was changed.');
  expect(r.code).toBe(0);
}, 120_000);

test('without credentials it fails with how to configure them, and changes nothing', async () => {
  const r = await check(cleanEnv({}));
  expect(r.out).toMatch(/FAIL +credentials +no AWS credentials found/);
  expect(r.out).toMatch(/fix: aws configure/);
  expect(r.out).toContain('Preflight failed: nothing was changed.');
  expect(r.out).not.toContain('Would create');
  expect(r.code).toBe(1);
}, 120_000);

test('with an expired SSO session it says how to log in again', async () => {
  const config = path.join(home, 'sso-config');
  fs.writeFileSync(
    config,
    [
      '[profile chat-sso]',
      'sso_session = corp',
      `sso_account_id = ${ACCOUNT}`,
      'sso_role_name = Admin',
      'region = us-east-1',
      '[sso-session corp]',
      'sso_start_url = https://example.awsapps.com/start',
      'sso_region = us-east-1',
      'sso_registration_scopes = sso:account:access',
      '',
    ].join('\n'),
  );
  // The cached token `aws sso login` left, expired an hour ago (the CLI names the file after the session's sha1).
  const cache = path.join(home, '.aws/sso/cache');
  fs.mkdirSync(cache, { recursive: true });
  const name = require('node:crypto').createHash('sha1').update('corp').digest('hex');
  fs.writeFileSync(
    path.join(cache, `${name}.json`),
    JSON.stringify({
      startUrl: 'https://example.awsapps.com/start',
      region: 'us-east-1',
      accessToken: 'old',
      expiresAt: new Date(Date.now() - 3600_000).toISOString(),
    }),
  );
  const r = await check(cleanEnv({ AWS_CONFIG_FILE: config, AWS_PROFILE: 'chat-sso' }));
  expect(r.out).toMatch(/FAIL +credentials +the SSO session of profile chat-sso has expired/);
  expect(r.out).toContain('fix: aws sso login --profile chat-sso');
  expect(r.code).toBe(1);
}, 120_000);

test('a configured type that is not free tier is a warning with the free alternative, not a failure', async () => {
  const r = await check(cleanEnv({ ...withKeys, CHAT_INSTANCE_TYPE: 'm5.large' }));
  expect(r.out).toMatch(/WARN +instance type +m5\.large \(CHAT_INSTANCE_TYPE\) is not free-tier eligible/);
  expect(r.out).toContain('fix: unset CHAT_INSTANCE_TYPE to use t3.micro');
  expect(r.code).toBe(0);
  const ok = await check(cleanEnv({ ...withKeys, CHAT_INSTANCE_TYPE: 't4g.micro' }));
  expect(ok.out).toMatch(/ok +instance type +t4g\.micro \(CHAT_INSTANCE_TYPE, free-tier eligible here\)/);
}, 120_000);

test('account-level Block Public Access fails website mode with the CloudFront fix; CloudFront mode passes', async () => {
  await s3control.send(
    new PutPublicAccessBlockCommand({
      AccountId: ACCOUNT,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  try {
    const r = await check(cleanEnv(withKeys));
    expect(r.out).toMatch(/FAIL +public site bucket +account 123456789012 blocks public buckets/);
    expect(r.out).toContain('fix: CHAT_CLOUDFRONT=true npm run deploy');
    expect(r.code).toBe(1);
    const cf = await check(cleanEnv({ ...withKeys, CHAT_CLOUDFRONT: 'true' }));
    expect(cf.out).toMatch(/ok +public site bucket +not needed: CloudFront/);
    expect(cf.code).toBe(0);
  } finally {
    await s3control.send(new DeletePublicAccessBlockCommand({ AccountId: ACCOUNT }));
  }
}, 180_000);

test('no terraform on PATH, an old terraform, and no alert e-mail each fail with their fix', async () => {
  const noTf = await check(cleanEnv({ ...withKeys, PATH: standinPath({ terraform: false }) }));
  expect(noTf.out).toMatch(/FAIL +terraform +neither terraform nor tofu is on PATH/);
  expect(noTf.out).toMatch(/fix: install terraform >= 1\.10/);
  expect(noTf.code).toBe(1);
  const old = await check(cleanEnv({ ...withKeys, TF_STANDIN_VERSION: '1.5.7' }));
  expect(old.out).toMatch(/FAIL +terraform +terraform 1\.5\.7 is older than 1\.10/);
  const noMail = await check(cleanEnv({ ...withKeys, CHAT_ALERT_EMAIL: '' }));
  expect(noMail.out).toMatch(/FAIL +alert e-mail/);
  expect(noMail.out).toContain('fix: CHAT_ALERT_EMAIL=<your own address> npm run deploy');
  expect(noMail.code).toBe(1);
}, 180_000);

test("the docs' placeholder address (you@example.org) is refused with the reason, before anything changes", async () => {
  const r = await check(cleanEnv({ ...withKeys, CHAT_ALERT_EMAIL: 'you@example.org' }));
  expect(r.out).toMatch(/FAIL +alert e-mail +you@example\.org is a placeholder: example\.org is reserved for examples \(RFC 2606\)/);
  expect(r.out).toContain('fix: CHAT_ALERT_EMAIL=<your own address> npm run deploy');
  expect(r.out).toContain('Preflight failed: nothing was changed.');
  expect(r.code).toBe(1);
}, 180_000);

test.each([
  ['you@example.org', 'example.org'],
  ['ops@EXAMPLE.COM', 'example.com'],
  ['a@mail.example.net', 'mail.example.net'],
  ['a@chat.example', 'chat.example'],
  ['a@ci.test', 'ci.test'],
  ['a@nowhere.invalid', 'nowhere.invalid'],
  ['root@localhost', 'localhost'],
  ['a@box.localhost.', 'box.localhost'],
])('%s is on a reserved domain (%s)', (address, domain) => {
  expect(reservedDomain(address)).toBe(domain);
});

test.each(['me@realtime-chat.dev', 'a@example.co', 'a@myexample.com', 'a@testing.io', 'a@example.org.uk'])(
  '%s is a real domain',
  (address) => {
    expect(reservedDomain(address)).toBeUndefined();
  },
);
