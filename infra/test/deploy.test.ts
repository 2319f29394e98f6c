/**
 * The deploy orchestration (infra/scripts/deploy.mjs), run as `npm run deploy` runs it, with terraform replaced by a
 * recording stand-in on PATH (test/fixtures/terraform: terraform's AWS provider cannot be installed here) and
 * `npm run build` recorded instead of run (the test builds the server and the release tools beforehand). Everything
 * else is real: the preflight against moto, release/bundle.sh, ship-server.sh's S3 upload and SSM command (moto),
 * the release pointer, publish-site.sh into the site bucket, and the live check + smoke test against a real chat
 * server standing in for the instance. The stand-in's outputs name moto's resources as the stacks would.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { DeletePublicAccessBlockCommand, PutPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import {
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  ListCommandsCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { MOTO_CREDENTIALS, MOTO_REGION, awsCliDir, startMoto, type Moto } from '@chat/local-aws';
import { startServer } from '@chat/server';
import { fixedEndpoint } from '../src/deploy/clients';
import { bucketName } from '../src/names';
import { buildInfra, motoAwsEnv, runInfraScript, standinPath } from './deploy-helpers';

const ACCOUNT = '123456789012';
const ARTIFACTS = bucketName('chat', 'artifacts', ACCOUNT, MOTO_REGION);
const SITE = bucketName('chat', 'site', ACCOUNT, MOTO_REGION);
const POINTER = '/chat/prod/release';

let moto: Moto;
let work: string;
let server: Awaited<ReturnType<typeof startServer>>;
let env: NodeJS.ProcessEnv;
let tfLog: string;
let npmLog: string;
let siteUrl: string;
const aws = { region: MOTO_REGION, credentials: MOTO_CREDENTIALS };
let s3: S3Client;
let ssm: SSMClient;
/** The secrets the first deploy generated, by parameter name. */
let firstSecrets: Record<string, string> = {};

function deploy(extra: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  return runInfraScript('deploy.mjs', [], { env: { ...env, ...extra }, timeout: 600_000 });
}

const lines = (file: string): string[] => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);
const commands = async () => (await ssm.send(new ListCommandsCommand({}))).Commands ?? [];

beforeAll(async () => {
  buildInfra('app/server/tsconfig.json', 'release/tsconfig.json');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-deploy-test-'));
  moto = await startMoto();
  s3 = new S3Client({ ...aws, endpoint: moto.endpoint, forcePathStyle: true });
  ssm = new SSMClient({ ...aws, endpoint: moto.endpoint });
  // The chat server the instance would run (embedded mode), reached as the API URL.
  server = await startServer({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(work, 'data'), LOG_LEVEL: 'warn' });

  // What the stacks create, on moto, and the outputs the terraform stand-in answers with.
  for (const Bucket of [ARTIFACTS, SITE]) await s3.send(new CreateBucketCommand({ Bucket }));
  // The web stack's website-mode policy: anonymous read of the site's objects (the live check reads them so).
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: SITE,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'PublicReadObjects', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${SITE}/*` },
        ],
      }),
    }),
  );
  await ssm.send(new PutParameterCommand({ Name: POINTER, Type: 'String', Value: 'none' }));
  const ec2 = new EC2Client({ ...aws, endpoint: moto.endpoint });
  const instanceId = (
    await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1, InstanceType: 't3.micro' }))
  ).Instances![0]!.InstanceId!;
  ec2.destroy();
  siteUrl = `${moto.endpoint}/${SITE}`;
  const outputs = path.join(work, 'outputs');
  fs.mkdirSync(outputs);
  const o = (values: Record<string, string>) =>
    JSON.stringify(Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value }])));
  fs.writeFileSync(
    path.join(outputs, 'chat-data.json'),
    o({ AWS_REGION: MOTO_REGION, UPLOADS_BUCKET: bucketName('chat', 'uploads', ACCOUNT, MOTO_REGION) }),
  );
  fs.writeFileSync(
    path.join(outputs, 'chat-compute.json'),
    o({ INSTANCE_ID: instanceId, ARTIFACT_BUCKET: ARTIFACTS, RELEASE_PARAMETER: POINTER }),
  );
  fs.writeFileSync(
    path.join(outputs, 'chat-web.json'),
    o({ SITE_URL: siteUrl, API_URL: server.url, SITE_BUCKET: SITE, DISTRIBUTION_ID: '' }),
  );
  fs.writeFileSync(path.join(outputs, 'chat-auth.json'), o({ USER_POOL_ID: 'us-east-1_TESTPOOL', AUTH_CLIENT_ID: 'testclient' }));

  const site = path.join(work, 'site');
  fs.mkdirSync(site);
  fs.writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>chat</title><script src="main-ABCDEFGH.js"></script>');
  fs.writeFileSync(path.join(site, 'main-ABCDEFGH.js'), 'console.log(1)');

  const npmDir = path.join(work, 'npm-bin');
  fs.mkdirSync(npmDir);
  fs.symlinkSync(path.join(__dirname, 'fixtures/npm-build-standin'), path.join(npmDir, 'npm'));
  tfLog = path.join(work, 'terraform.log');
  npmLog = path.join(work, 'npm.log');
  env = {
    PATH: standinPath({ extra: [npmDir, awsCliDir()] }),
    HOME: process.env.HOME,
    REAL_NPM: execFileSync('bash', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim(),
    TF_STANDIN_LOG: tfLog,
    TF_STANDIN_OUTPUTS: outputs,
    NPM_STANDIN_LOG: npmLog,
    ...motoAwsEnv(moto.endpoint),
    CHAT_ALERT_EMAIL: 'me@realtime-chat.dev',
    CHAT_SITE_DIR: site,
    CHAT_LIVE_TIMEOUT_MS: '60000',
  };
}, 400_000);

afterAll(async () => {
  await server?.close();
  s3?.destroy();
  ssm?.destroy();
  await moto?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

test('deploy (terraform stand-in): checks, builds, bundles, applies in order, ships, publishes, waits, smokes, prints the URL', async () => {
  const r = await deploy();
  expect(r.out).toContain('Chat: ' + siteUrl);
  expect(r.code).toBe(0);
  // The steps, in this order.
  const order = [
    'credentials',
    '[1/6] Build',
    '[2/6] Apply',
    '[3/6] Bundle and ship release',
    '[4/6] Wait for the API',
    '[5/6] Publish the site',
    '[6/6] Wait until site and API',
    'smoke test passed',
    'Chat: ',
  ];
  const at = order.map((s) => r.out.indexOf(s));
  expect(at.every((i) => i >= 0)).toBe(true);
  expect([...at].sort((a, b) => a - b)).toEqual(at);
  expect(lines(npmLog)).toEqual(['run build -w app/protocol -w app/server -w app/web -w release']);
  // The pipeline's scripts did the release (their own log lines, on stderr).
  expect(r.out).toMatch(/bundle: \S+server\.tgz/);
  expect(r.out).toMatch(/ship-server: released [0-9a-f]{40}/);
  // init + apply per stack, data → compute → web → auth (the user pool, sign-in on by default) → budget (no
  // repository configured: no ci stack), then the outputs.
  const applied = lines(tfLog)
    .filter((l) => / apply /.test(l))
    .map((l) => /stacks\/([\w-]+)/.exec(l)![1]);
  expect(applied).toEqual(['chat-data', 'chat-compute', 'chat-web', 'chat-auth', 'chat-budget']);
  expect(r.out).toContain('Sign-in: me@realtime-chat.dev is invited as the first admin');
  expect(r.out).toContain('aws cognito-idp admin-create-user --user-pool-id us-east-1_TESTPOOL --username <their e-mail>');
  // The release went out the pipeline's way: the bundle under its SHA, one SSM command, then the pointer with the
  // bundle's digest (what a new instance checks it against).
  const pointer = (await ssm.send(new GetParameterCommand({ Name: POINTER }))).Parameter!.Value!;
  expect(pointer).toMatch(/^[0-9a-f]{40} [0-9a-f]{64}$/);
  const [sha] = pointer.split(' ');
  // HEAD, not GET: a GetObject body left unread is aborted when moto drops the connection, and the SDK's checksum
  // stream then emits 'error' with no listener, an uncaught "aborted" that fails whichever test is running.
  await expect(s3.send(new HeadObjectCommand({ Bucket: ARTIFACTS, Key: `releases/${sha}/server.tgz` }))).resolves.toBeDefined();
  // The secrets the stacks and the servers read exist now, as SecureStrings, generated once.
  const secrets = await ssm.send(new GetParametersByPathCommand({ Path: '/chat/prod/secrets', WithDecryption: true }));
  expect((secrets.Parameters ?? []).map((p) => [p.Name, p.Type]).sort()).toEqual([
    ['/chat/prod/secrets/admin-token', 'SecureString'],
    ['/chat/prod/secrets/metrics-token', 'SecureString'],
    ['/chat/prod/secrets/origin-secret', 'SecureString'],
  ]);
  for (const p of secrets.Parameters ?? []) expect(p.Value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(r.out).toContain('generated secret /chat/prod/secrets/origin-secret');
  for (const p of secrets.Parameters ?? []) expect(r.out).not.toContain(p.Value!);
  firstSecrets = Object.fromEntries((secrets.Parameters ?? []).map((p) => [p.Name!, p.Value!]));
  expect(await commands()).toHaveLength(1);
  // The site with its config.json pointing at the API.
  const config = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: SITE, Key: 'config.json' }))).Body!.transformToString());
  expect(config).toMatchObject({ apiUrl: server.url, protocolVersion: 1 });
  expect((await s3.send(new HeadObjectCommand({ Bucket: SITE, Key: 'index.html' }))).CacheControl).toBe('no-cache');
}, 600_000);

test('deploy again with no change (terraform stand-in): applies, ships nothing new, keeps the secrets, still live', async () => {
  const before = await commands();
  const r = await deploy();
  expect(r.out).toMatch(/Release [0-9a-f]{12} is already live/);
  expect(r.out).not.toContain('bundle: ');
  expect(r.out).not.toContain('generated secret');
  expect(r.out).toContain('smoke test passed');
  expect(r.code).toBe(0);
  expect(await commands()).toHaveLength(before.length);
  const secrets = await ssm.send(new GetParametersByPathCommand({ Path: '/chat/prod/secrets', WithDecryption: true }));
  expect(Object.fromEntries((secrets.Parameters ?? []).map((p) => [p.Name!, p.Value!]))).toEqual(firstSecrets);
}, 600_000);

test('rotate-secrets (terraform stand-in): new values for every secret, the origin secret through both values, servers restarted twice', async () => {
  const before = await commands();
  const tfBefore = lines(tfLog).length;
  const pointer = (await ssm.send(new GetParameterCommand({ Name: POINTER }))).Parameter!.Value!;
  const r = await runInfraScript('rotate-secrets.mjs', [], { env, timeout: 600_000 });
  expect(r.out).toContain('Rotated admin-token, metrics-token, origin-secret.');
  expect(r.code).toBe(0);
  const secrets = await ssm.send(new GetParametersByPathCommand({ Path: '/chat/prod/secrets', WithDecryption: true }));
  const now = Object.fromEntries((secrets.Parameters ?? []).map((p) => [p.Name!, p.Value!]));
  for (const [name, old] of Object.entries(firstSecrets)) {
    expect(now[name]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(now[name]).not.toBe(old);
  }
  for (const v of [...Object.values(now), ...Object.values(firstSecrets)]) expect(r.out).not.toContain(v);
  // The origin secret passed through "<old>,<new>" (servers accept both) and "<new>,<old>" (CloudFront sends new):
  // SSM's history of the parameter shows the three values in that order.
  const history = await ssm.send(new GetParameterHistoryCommand({ Name: '/chat/prod/secrets/origin-secret', WithDecryption: true }));
  const origin = firstSecrets['/chat/prod/secrets/origin-secret'];
  const fresh = now['/chat/prod/secrets/origin-secret'];
  expect((history.Parameters ?? []).map((p) => p.Value).slice(-4)).toEqual([origin, `${origin},${fresh}`, `${fresh},${origin}`, fresh]);
  // Two applies of every stack, and every server restarted twice on the release it serves, which stays the same.
  expect(
    lines(tfLog)
      .slice(tfBefore)
      .filter((l) => / apply /.test(l)),
  ).toHaveLength(2 * 5);
  const sent = (await commands()).filter((c) => !before.some((b) => b.CommandId === c.CommandId));
  expect(sent).toHaveLength(2);
  for (const c of sent) expect(c.Parameters!.commands![0]).toContain(pointer.split(' ')[1]);
  expect((await ssm.send(new GetParameterCommand({ Name: POINTER }))).Parameter!.Value).toBe(pointer);
  // The chat serves throughout.
  expect((await fetch(new URL('/readyz', server.url))).status).toBe(200);
}, 600_000);

test('deploy stops before any change when a check fails (terraform stand-in records no apply, nothing is built)', async () => {
  const s3control = new S3ControlClient({ ...aws, endpointProvider: fixedEndpoint(moto.endpoint) });
  const tfBefore = lines(tfLog).length;
  const npmBefore = lines(npmLog).length;
  await s3control.send(
    new PutPublicAccessBlockCommand({
      AccountId: ACCOUNT,
      PublicAccessBlockConfiguration: { BlockPublicPolicy: true, RestrictPublicBuckets: true },
    }),
  );
  try {
    // The opt-out needs a public site bucket, which the account forbids.
    const r = await deploy({ CHAT_CLOUDFRONT: 'false' });
    expect(r.out).toMatch(/FAIL +public site bucket/);
    expect(r.out).toContain('Preflight failed: nothing was changed.');
    expect(r.code).toBe(1);
    expect(
      lines(tfLog)
        .slice(tfBefore)
        .filter((l) => !l.startsWith('version')),
    ).toEqual([]);
    expect(lines(npmLog)).toHaveLength(npmBefore);
  } finally {
    await s3control.send(new DeletePublicAccessBlockCommand({ AccountId: ACCOUNT }));
    s3control.destroy();
  }
}, 300_000);
