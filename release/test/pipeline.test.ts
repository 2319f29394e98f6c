/**
 * The Deploy workflow's steps, run here in order with moto server standing in for AWS and a temporary
 * directory for the instance's /opt/chat:
 *   bundle.sh → read-targets.sh (SSM) → ship-server.sh (S3 + SSM Run Command) → the command the instance
 *   would run (fetches the bundle from S3, checks its SHA-256, runs its release.sh, starts the real chat server) →
 *   publish-site.sh
 *   (config.json from the released server, S3 cache headers, CloudFront invalidation) → smoke test.
 * What moto cannot do is run the command on an instance: the test runs the command text SSM holds,
 * as the SSM agent would. A broken bundle is then rolled back.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { runSmoke } from '../smoke';
import { freePort, startMoto, type Moto } from '@chat/local-aws';
import { REPO_ROOT, awsCliEnv, build } from './tools';

const run = promisify(execFile);
const DEPLOY = path.join(REPO_ROOT, 'release');
const RESTART = path.join(DEPLOY, 'test/fixtures/restart-service.sh');
const SHA = '0123456789abcdef0123456789abcdef01234567';
const BROKEN = 'badbadbadbadbadbadbadbadbadbadbadbadbad0';
const PREFIX = '/chat/prod';

let work: string;
let home: string;
let out: string;
let chatPort: number;
let moto: Moto;
let awsEnv: NodeJS.ProcessEnv;
let entries: string[];
let instanceId: string;
let distributionId: string;
let bundleSha256: string;
const ARTIFACTS = 'chat-artifacts-test';
const SITE = 'chat-site-test';
const SITE_URL = 'https://d111111abcdef8.cloudfront.net';

async function aws<T = unknown>(...args: string[]): Promise<T> {
  const { stdout } = await run('aws', [...args, '--output', 'json'], { env: awsEnv, maxBuffer: 16 * 1024 * 1024 });
  return (stdout.trim() ? JSON.parse(stdout) : undefined) as T;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function script(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run('bash', [file, ...args], { env: { ...awsEnv, ...env }, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** What the systemd unit provides the server with, in embedded mode on a free port. */
const instanceEnv = (): NodeJS.ProcessEnv => ({
  CHAT_HOME: home,
  CHAT_RESTART_CMD: `bash ${RESTART}`,
  CHAT_READY_URL: `http://127.0.0.1:${chatPort}/readyz`,
  CHAT_READY_TIMEOUT: '30',
  PORT: String(chatPort),
  HOST: '127.0.0.1',
  DATA_DIR: path.join(work, 'data'),
  LOG_LEVEL: 'warn',
});

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'chat-pipeline-test-'));
  home = path.join(work, 'opt-chat');
  out = path.join(work, 'out/server');
  mkdirSync(out, { recursive: true });
  chatPort = await freePort();

  // AWS stand-in.
  moto = await startMoto();
  awsEnv = awsCliEnv(moto.endpoint);

  // The workflow's build and bundle steps.
  build('app/server/tsconfig.json');
  await run('bash', [path.join(DEPLOY, 'bundle.sh'), path.join(out, 'server.tgz')], {
    cwd: work,
    env: { ...process.env, RELEASE_SHA: SHA },
    maxBuffer: 16 * 1024 * 1024,
  });
  bundleSha256 = createHash('sha256')
    .update(readFileSync(path.join(out, 'server.tgz')))
    .digest('hex');
  const { stdout } = await run('tar', ['-tzvf', path.join(out, 'server.tgz')], { maxBuffer: 64 * 1024 * 1024 });
  entries = stdout.split('\n');

  // What the infra stacks create and write to SSM.
  await aws('s3api', 'create-bucket', '--bucket', ARTIFACTS);
  await aws('s3api', 'create-bucket', '--bucket', SITE);
  instanceId = (
    await aws<{ Instances: { InstanceId: string }[] }>(
      'ec2',
      'run-instances',
      '--image-id',
      'ami-12345678',
      '--count',
      '1',
      '--instance-type',
      't3.micro',
    )
  ).Instances[0]!.InstanceId;
  distributionId = (
    await aws<{ Distribution: { Id: string } }>(
      'cloudfront',
      'create-distribution',
      '--origin-domain-name',
      `${SITE}.s3.amazonaws.com`,
      '--default-root-object',
      'index.html',
    )
  ).Distribution.Id;
  const params: Record<string, string> = {
    'artifact-bucket': ARTIFACTS,
    'instance-id': instanceId,
    'site-bucket': SITE,
    'distribution-id': distributionId,
    'api-url': `http://127.0.0.1:${chatPort}`,
    'site-url': SITE_URL,
    'release-parameter': `${PREFIX}/release`,
  };
  for (const [name, value] of Object.entries(params)) {
    // JSON input: AWS CLI v1 would fetch an http:// value given as --value.
    await aws('ssm', 'put-parameter', '--cli-input-json', JSON.stringify({ Name: `${PREFIX}/${name}`, Type: 'String', Value: value }));
  }
}, 300_000);

afterAll(() => {
  try {
    process.kill(Number(readFileSync(path.join(home, 'service.pid'), 'utf8')), 'SIGTERM');
  } catch {
    // not started or already stopped
  }
  rmSync(work, { recursive: true, force: true });
  return moto?.stop();
});

const has = (p: string): boolean => entries.some((e) => e.endsWith(` ${p}`) || e.includes(` ${p} -> `));

test('the bundle holds the built server and protocol and their production dependencies only', () => {
  for (const f of [
    'release.sh',
    'package.json',
    'release.json',
    'app/server/dist/main.js',
    'app/server/package.json',
    'app/protocol/dist/cjs/index.js',
  ]) {
    expect([f, has(f)]).toEqual([f, true]);
  }
  for (const dep of [
    'node_modules/express/',
    'node_modules/socket.io/',
    'node_modules/@aws-sdk/client-sqs/',
    'node_modules/@aws-sdk/client-dynamodb/',
    'node_modules/@socket.io/redis-streams-adapter/',
    'node_modules/ioredis/',
  ]) {
    expect([dep, has(dep)]).toEqual([dep, true]);
  }
  // @chat/protocol resolves to the bundled copy through the workspace link.
  expect(entries.find((e) => e.includes(' node_modules/@chat/protocol -> '))).toMatch(/-> \.\.\/\.\.\/app\/protocol$/);
  for (const dev of [
    'node_modules/jest/',
    'node_modules/typescript/',
    'node_modules/@swc/core/',
    'node_modules/@chat/web',
    'app/server/src/',
  ]) {
    expect([dev, has(dev)]).toEqual([dev, false]);
  }
});

test('read-targets.sh reads every target from SSM as step outputs', async () => {
  const r = await script(path.join(DEPLOY, 'ci/read-targets.sh'), [], { SSM_PREFIX: PREFIX });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout.trim().split('\n')).toEqual([
    `artifact_bucket=${ARTIFACTS}`,
    `instance_id=${instanceId}`,
    `site_bucket=${SITE}`,
    `distribution_id=${distributionId}`,
    `api_url=http://127.0.0.1:${chatPort}`,
    `site_url=${SITE_URL}`,
    `release_parameter=${PREFIX}/release`,
    // One server: no group (CHAT_INSTANCES ≥ 2 writes server-group and the workflow rolls through it).
    'server_group=none',
  ]);
}, 120_000);

test('read-targets.sh names the parameters that are missing', async () => {
  await aws('ssm', 'put-parameter', '--name', '/chat/half/artifact-bucket', '--type', 'String', '--value', ARTIFACTS);
  const r = await script(path.join(DEPLOY, 'ci/read-targets.sh'), [], { SSM_PREFIX: '/chat/half' });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('/chat/half/instance-id');
  expect(r.stdout).toBe('');
}, 120_000);

const shipEnv = () => ({ SHA, ARTIFACT_BUCKET: ARTIFACTS, INSTANCE_ID: instanceId, RELEASE_PARAMETER: `${PREFIX}/release` });

test('ship-server.sh refuses a value that would go into the root script unchecked, before sending anything', async () => {
  for (const bad of [
    { AWS_REGION: "us-east-1'; reboot; '" },
    { ARTIFACT_BUCKET: 'bucket/../other' },
    { SHA: 'abc' },
    { RELEASE_PARAMETER: 'release pointer' },
    { INSTANCE_ID: 'i-123; reboot' },
  ]) {
    const r = await script(path.join(DEPLOY, 'ci/ship-server.sh'), [out], { ...shipEnv(), ...bad });
    expect([bad, r.code, r.stderr]).toEqual([bad, 1, expect.stringContaining('does not look right')]);
  }
  expect((await aws<{ Commands: unknown[] }>('ssm', 'list-commands')).Commands).toEqual([]);
}, 120_000);

test('ship-server.sh uploads the release under its SHA and sends the instance the release command', async () => {
  const r = await script(path.join(DEPLOY, 'ci/ship-server.sh'), [out], shipEnv());
  expect(r.stderr).toContain(`released ${SHA}`);
  // The pointer a new or replaced instance serves from now names this release and its bundle's digest.
  expect((await aws<{ Parameter: { Value: string } }>('ssm', 'get-parameter', '--name', `${PREFIX}/release`)).Parameter.Value).toBe(
    `${SHA} ${bundleSha256}`,
  );
  // The current release carries no expiry tag (the artifact bucket expires only superseded ones).
  const key = `releases/${SHA}/server.tgz`;
  expect((await aws<{ TagSet: unknown[] }>('s3api', 'get-object-tagging', '--bucket', ARTIFACTS, '--key', key)).TagSet).toEqual([]);
  expect(r.code).toBe(0);
  await expect(aws('s3api', 'head-object', '--bucket', ARTIFACTS, '--key', key)).resolves.toBeDefined();
  // release.sh travels inside the bundle, under the same digest.
  await expect(aws('s3api', 'head-object', '--bucket', ARTIFACTS, '--key', `releases/${SHA}/release.sh`)).rejects.toThrow();
  const { Commands } = await aws<{ Commands: { DocumentName: string; InstanceIds: string[] }[] }>('ssm', 'list-commands');
  expect(Commands).toEqual([expect.objectContaining({ DocumentName: 'AWS-RunShellScript', InstanceIds: [instanceId] })]);
}, 120_000);

test('the command the instance runs releases the bundle from S3, and the chat server passes the smoke test', async () => {
  const { Commands } = await aws<{ Commands: { Parameters: { commands: string[] } }[] }>('ssm', 'list-commands');
  const commands = Commands[0]!.Parameters.commands;
  const agentScript = path.join(work, 'ssm-command.sh');
  writeFileSync(agentScript, commands.join('\n'));

  const r = await script(agentScript, [], instanceEnv());
  expect(r.stderr).toContain(`released ${SHA}`);
  expect(r.code).toBe(0);
  expect(readlinkSync(path.join(home, 'current'))).toBe(`releases/${SHA}`);
  expect(JSON.parse(readFileSync(path.join(home, 'current/release.json'), 'utf8'))).toMatchObject({ sha: SHA });
  await runSmoke(`http://127.0.0.1:${chatPort}`, { timeoutMs: 20_000 });
}, 120_000);

test('a bundle replaced in the bucket after it was shipped is refused by the command before anything is unpacked', async () => {
  const { Commands } = await aws<{ Commands: { Parameters: { commands: string[] } }[] }>('ssm', 'list-commands');
  const agentScript = path.join(work, 'ssm-command-again.sh');
  writeFileSync(agentScript, Commands[0]!.Parameters.commands.join('\n'));
  const key = `releases/${SHA}/server.tgz`;
  const tampered = path.join(work, 'tampered.tgz');
  const tree = path.join(work, 'tampered');
  mkdirSync(path.join(tree, 'app/server/dist'), { recursive: true });
  writeFileSync(path.join(tree, 'release.sh'), 'touch "$CHAT_HOME/pwned"\n');
  writeFileSync(path.join(tree, 'app/server/dist/main.js'), 'process.exit(0)\n');
  await run('tar', ['-czf', tampered, '-C', tree, '.']);
  await aws('s3', 'cp', '--only-show-errors', tampered, `s3://${ARTIFACTS}/${key}`);
  try {
    const r = await script(agentScript, [], instanceEnv());
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('does not match its SHA-256');
    expect(readlinkSync(path.join(home, 'current'))).toBe(`releases/${SHA}`);
    expect(readdirSync(home)).not.toContain('pwned');
  } finally {
    await aws('s3', 'cp', '--only-show-errors', path.join(out, 'server.tgz'), `s3://${ARTIFACTS}/${key}`);
  }
}, 120_000);

test('publish-site.sh without CloudFront stores scripts, styles and the page gzipped (the S3 website endpoint compresses nothing)', async () => {
  const site = path.join(work, 'site-website');
  mkdirSync(path.join(site, 'media'), { recursive: true });
  const js = `console.log(${JSON.stringify('x'.repeat(2000))})`;
  const files: Record<string, string> = {
    'index.html': '<!doctype html><script src="main-ABCDEFGH.js"></script>',
    'main-ABCDEFGH.js': js,
    'styles-QWERTY12.css': 'body{}',
    'media/font-ABCDEFGH.woff2': 'x',
    'favicon.ico': 'x',
  };
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(site, name), body);
  const bucket = `${SITE}-website`;
  await aws('s3api', 'create-bucket', '--bucket', bucket);

  const r = await script(path.join(DEPLOY, 'ci/publish-site.sh'), [site], {
    SITE_BUCKET: bucket,
    API_URL: `http://127.0.0.1:${chatPort}`,
    SITE_URL,
    DISTRIBUTION_ID: 'none',
  });
  expect(r.code).toBe(0);
  expect(r.stderr).not.toContain('invalidation');

  const stored = async (key: string) => {
    const file = path.join(work, `got-${key.replace(/\//g, '_')}`);
    const head = await aws<{ ContentEncoding?: string; ContentType?: string; CacheControl?: string }>(
      's3api',
      'get-object',
      '--bucket',
      bucket,
      '--key',
      key,
      file,
    );
    return { ...head, body: readFileSync(file) };
  };
  const main = await stored('main-ABCDEFGH.js');
  expect(main).toMatchObject({ ContentEncoding: 'gzip', CacheControl: 'public, max-age=31536000, immutable' });
  expect(main.ContentType).toMatch(/javascript/);
  expect(gunzipSync(main.body).toString()).toBe(js);
  expect(main.body.length).toBeLessThan(js.length);
  const page = await stored('index.html');
  expect(page).toMatchObject({ ContentEncoding: 'gzip', CacheControl: 'no-cache', ContentType: 'text/html; charset=utf-8' });
  expect(gunzipSync(page.body).toString()).toBe(files['index.html']);
  expect((await stored('styles-QWERTY12.css')).ContentEncoding).toBe('gzip');
  // Already compressed or tiny: as they are.
  expect((await stored('media/font-ABCDEFGH.woff2')).ContentEncoding).toBeUndefined();
  expect((await stored('favicon.ico')).ContentEncoding).toBeUndefined();
  expect((await stored('config.json')).ContentEncoding).toBeUndefined();
  // The build directory is left as it was.
  expect(readFileSync(path.join(site, 'main-ABCDEFGH.js'), 'utf8')).toBe(js);
}, 120_000);

test('publish-site.sh writes config.json from the released server and uploads with cache headers', async () => {
  const site = path.join(work, 'site');
  mkdirSync(path.join(site, 'media'), { recursive: true });
  const files: Record<string, string> = {
    'index.html': '<!doctype html><script src="main-ABCDEFGH.js"></script>',
    'main-ABCDEFGH.js': 'console.log(1)',
    'chunk-Z2Y3X4W5.js': 'export {}',
    'styles-QWERTY12.css': 'body{}',
    'media/font-ABCDEFGH.woff2': 'x',
    'favicon.ico': 'x',
    'robots.txt': 'User-agent: *',
    'manifest.webmanifest': '{"name":"Chat"}',
  };
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(site, name), body);

  const r = await script(path.join(DEPLOY, 'ci/publish-site.sh'), [site], {
    SITE_BUCKET: SITE,
    API_URL: `http://127.0.0.1:${chatPort}`,
    SITE_URL,
    DISTRIBUTION_ID: distributionId,
  });
  expect(r.stderr).toContain('invalidation');
  expect(r.code).toBe(0);

  const cacheOf = async (key: string): Promise<string | undefined> =>
    (await aws<{ CacheControl?: string }>('s3api', 'head-object', '--bucket', SITE, '--key', key)).CacheControl;
  const immutable = 'public, max-age=31536000, immutable';
  expect(await cacheOf('main-ABCDEFGH.js')).toBe(immutable);
  expect(await cacheOf('chunk-Z2Y3X4W5.js')).toBe(immutable);
  expect(await cacheOf('styles-QWERTY12.css')).toBe(immutable);
  expect(await cacheOf('media/font-ABCDEFGH.woff2')).toBe(immutable);
  expect(await cacheOf('favicon.ico')).toBe('public, max-age=300');
  expect(await cacheOf('robots.txt')).toBe('public, max-age=300');
  expect(await cacheOf('manifest.webmanifest')).toBe('public, max-age=300');
  const manifest = await aws<{ ContentType?: string }>('s3api', 'head-object', '--bucket', SITE, '--key', 'manifest.webmanifest');
  expect(manifest.ContentType).toBe('application/manifest+json');
  expect(await cacheOf('index.html')).toBe('no-cache');
  expect(await cacheOf('config.json')).toBe('no-cache');
  // CloudFront compresses (brotli too): the objects are stored as built.
  const js = await aws<{ ContentEncoding?: string }>('s3api', 'head-object', '--bucket', SITE, '--key', 'main-ABCDEFGH.js');
  expect(js.ContentEncoding).toBeUndefined();

  const configFile = path.join(work, 'config.json');
  await aws('s3api', 'get-object', '--bucket', SITE, '--key', 'config.json', configFile);
  const config = JSON.parse(readFileSync(configFile, 'utf8'));
  const served = (await (await fetch(`http://127.0.0.1:${chatPort}/config.json`)).json()) as Record<string, unknown>;
  // The server's own limits, pointed at the public API (the site is on another origin here).
  expect(config).toEqual({ ...served, apiUrl: `http://127.0.0.1:${chatPort}` });
  expect(config.protocolVersion).toBe(1);

  const list = await aws<{ InvalidationList: { Items?: { Id: string }[] } }>(
    'cloudfront',
    'list-invalidations',
    '--distribution-id',
    distributionId,
  );
  expect(list.InvalidationList.Items).toHaveLength(1);
  const inv = await aws<{ Invalidation: { InvalidationBatch: { Paths: { Items: string[] } } } }>(
    'cloudfront',
    'get-invalidation',
    '--distribution-id',
    distributionId,
    '--id',
    list.InvalidationList.Items![0]!.Id,
  );
  expect(inv.Invalidation.InvalidationBatch.Paths.Items).toEqual(['/*']);
}, 120_000);

test('a bundle missing a dependency is rolled back and the good release serves again', async () => {
  const tree = path.join(work, 'broken');
  mkdirSync(tree);
  await run('tar', ['-xzf', path.join(out, 'server.tgz'), '-C', tree]);
  rmSync(path.join(tree, 'node_modules/express'), { recursive: true });
  const broken = path.join(work, 'broken.tgz');
  await run('tar', ['-czf', broken, '-C', tree, '.']);

  const r = await script(path.join(DEPLOY, 'release.sh'), [BROKEN], {
    ...instanceEnv(),
    CHAT_BUNDLE: broken,
    CHAT_BUNDLE_SHA256: createHash('sha256').update(readFileSync(broken)).digest('hex'),
    CHAT_READY_TIMEOUT: '12',
  });
  expect(r.stderr).toContain(`rolled back to ${SHA}`);
  expect(r.code).toBe(2);
  expect(readlinkSync(path.join(home, 'current'))).toBe(`releases/${SHA}`);
  await runSmoke(`http://127.0.0.1:${chatPort}`, { timeoutMs: 20_000 });
}, 120_000);
