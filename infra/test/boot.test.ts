/**
 * The instance's boot script (user-data.ts) run for real in a temporary root: it downloads the Node tarball (served
 * here, the first request failing, so the retry is exercised), checks it against the checksum it was rendered with,
 * reads the secrets from SSM (moto) into the service's environment file, reads the release pointer, fetches the
 * bundle from the artifact bucket, checks it against the digest the pointer records, and runs the release.sh inside
 * it, which starts the real chat server with those secrets; it then answers /readyz. The OS steps (dnf, useradd,
 * systemctl) go through the script's CHAT_BOOT_OS seam; the service is started by
 * release/test/fixtures/restart-service.sh with the environment file loaded, as systemd's EnvironmentFile= does.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { MOTO_CREDENTIALS, MOTO_REGION, awsCliDir, freePort, startMoto, type Moto } from '@chat/local-aws';
import { releaseKey } from '../src/names';
import { renderUserData } from '../src/boot/user-data';
import { SECRETS_ENV_FILE, secretsBootStep } from '../src/boot/secrets';
import { secretParameterName, type SecretName } from '../src/secrets';
import { REPO_ROOT, buildProjects } from './deploy-helpers';

const run = promisify(execFile);
const SHA = 'b00tb00tb00tb00tb00tb00tb00tb00tb00tb00t'.replace(/t/g, 'f');
const BUCKET = 'chat-artifacts-boot-test';
const POINTER = '/chat/prod/release';
const NODE_VERSION = process.versions.node;
const SECRET_NAMES: SecretName[] = ['admin-token', 'metrics-token', 'origin-secret'];
const SECRET_VALUES: Record<string, string> = {
  'admin-token': 'A'.repeat(22) + 'dminTokenFromSsm_12345',
  'metrics-token': 'M'.repeat(22) + 'etricsTokenFromSsm_123',
  'origin-secret': 'O'.repeat(22) + 'riginSecretFromSsm_123',
};

let moto: Moto;
let work: string;
let tarballSha: string;
let bundleSha: string;
let dist: http.Server;
let distUrl: string;
let distRequests = 0;
let awsDir: string;
const started: string[] = [];

/** A stand-in for the official tarball: the same layout, its `node` running this Node (so the version check holds). */
function makeNodeTarball(dir: string): string {
  const name = `node-v${NODE_VERSION}-linux-x64`;
  const bin = path.join(dir, name, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'node'), `#!/bin/sh\nexec '${process.execPath}' "$@"\n`, { mode: 0o755 });
  const file = path.join(dir, `${name}.tar.xz`);
  execFileSync('tar', ['-cJf', file, '-C', dir, name]);
  return file;
}

function userData(sha256: string, port: number): string {
  return renderUserData({
    node: { version: NODE_VERSION, sha256: { x64: sha256, arm64: sha256 } },
    port,
    environment: { HOST: '127.0.0.1', PORT: String(port) },
    region: MOTO_REGION,
    artifactBucket: BUCKET,
    releaseParameter: POINTER,
    bootSteps: [secretsBootStep({ parameters: Object.fromEntries(SECRET_NAMES.map((n) => [n, secretParameterName('/chat/prod', n)])) })],
  });
}

interface Boot {
  code: number;
  out: string;
  root: string;
  port: number;
}

async function boot(sha256: string): Promise<Boot> {
  const root = fs.mkdtempSync(path.join(work, 'root-'));
  const port = await freePort();
  const script = path.join(root, 'user-data.sh');
  fs.writeFileSync(script, userData(sha256, port));
  const seam = path.join(root, 'os.sh');
  fs.writeFileSync(
    seam,
    [
      'os_install_packages() { echo "os: packages skipped"; }',
      'os_add_user() { echo "os: user skipped"; }',
      'os_enable_service() { echo enabled >"$ROOT/service-enabled"; }',
      // systemd loads the environment file for the service: here the fixture starts it with the file loaded.
      `os_restart_command() { echo 'set -a; . ${path.join(root, SECRETS_ENV_FILE)}; set +a; bash ${path.join(REPO_ROOT, 'release/test/fixtures/restart-service.sh')}'; }`,
      '',
    ].join('\n'),
  );
  started.push(path.join(root, 'opt/chat/service.pid'));
  const env = {
    PATH: [path.join(root, 'usr/local/bin'), awsDir, '/usr/bin', '/bin'].filter(Boolean).join(':'),
    HOME: process.env.HOME,
    CHAT_BOOT_ROOT: root,
    CHAT_BOOT_OS: seam,
    CHAT_NODE_DIST: distUrl,
    CHAT_READY_URL: `http://127.0.0.1:${port}/readyz`,
    CHAT_READY_TIMEOUT: '60',
    // What the unit gives the server; here the fixture starts it with this environment.
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: path.join(root, 'var/lib/chat'),
    LOG_LEVEL: 'warn',
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  try {
    const { stdout, stderr } = await run('bash', [script], { env, maxBuffer: 16 * 1024 * 1024, timeout: 240_000 });
    return { code: 0, out: stdout + stderr, root, port };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr, root, port };
  }
}

const ssm = () => new SSMClient({ region: MOTO_REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-boot-test-'));
  moto = await startMoto();
  awsDir = awsCliDir();
  // The release the pipeline would have shipped: bundle.sh's tarball (release.sh inside) under releases/<sha>/.
  buildProjects('app/server/tsconfig.json');
  const bundle = path.join(work, 'server.tgz');
  await run('bash', [path.join(REPO_ROOT, 'release/bundle.sh'), bundle], {
    env: { ...process.env, RELEASE_SHA: SHA },
    maxBuffer: 16 * 1024 * 1024,
  });
  const s3 = new S3Client({ region: MOTO_REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: releaseKey(SHA), Body: fs.readFileSync(bundle) }));
  s3.destroy();
  bundleSha = createHash('sha256').update(fs.readFileSync(bundle)).digest('hex');
  await ssm().send(new PutParameterCommand({ Name: POINTER, Type: 'String', Value: `${SHA} ${bundleSha}` }));
  for (const n of SECRET_NAMES)
    await ssm().send(
      new PutParameterCommand({ Name: secretParameterName('/chat/prod', n), Type: 'SecureString', Value: SECRET_VALUES[n] }),
    );

  const tarball = makeNodeTarball(path.join(work, 'dist'));
  tarballSha = createHash('sha256').update(fs.readFileSync(tarball)).digest('hex');
  dist = http.createServer((req, res) => {
    distRequests++;
    // The first download fails, as a flaky network right after launch would.
    if (distRequests === 1) return void res.writeHead(503).end();
    if (req.url !== `/v${NODE_VERSION}/${path.basename(tarball)}`) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/x-xz' }).end(fs.readFileSync(tarball));
  });
  await new Promise<void>((r) => dist.listen(0, '127.0.0.1', r));
  distUrl = `http://127.0.0.1:${(dist.address() as AddressInfo).port}`;
}, 400_000);

afterAll(async () => {
  for (const pidfile of started) {
    try {
      process.kill(Number(fs.readFileSync(pidfile, 'utf8')), 'SIGTERM');
    } catch {
      // never started, or stopped already
    }
  }
  await new Promise((r) => dist?.close(r));
  await moto?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

test('a new instance installs the pinned Node, serves the release the pointer names, and answers /readyz', async () => {
  const b = await boot(tarballSha);
  expect(b.out).toContain(`node v${NODE_VERSION} (x64)`);
  expect(b.out).toContain(`serving release ${SHA}`);
  expect(b.code).toBe(0);
  expect(distRequests).toBeGreaterThanOrEqual(2); // the failed first download was retried
  expect(execFileSync(path.join(b.root, 'usr/local/bin/node'), ['--version'], { encoding: 'utf8' }).trim()).toBe(`v${NODE_VERSION}`);
  expect(fs.readlinkSync(path.join(b.root, 'opt/chat/current'))).toBe(`releases/${SHA}`);
  const unit = fs.readFileSync(path.join(b.root, 'etc/systemd/system/chat.service'), 'utf8');
  expect(unit).toContain('ExecStart=/usr/local/bin/node /opt/chat/current/app/server/dist/main.js');
  expect(unit).toContain(`Environment="PORT=${b.port}"`);
  expect(fs.existsSync(path.join(b.root, 'service-enabled'))).toBe(true);
  const ready = await fetch(`http://127.0.0.1:${b.port}/readyz`);
  expect(ready.status).toBe(200);
  expect(fs.readFileSync(path.join(b.root, 'var/log/chat-boot.log'), 'utf8')).toContain('boot: done');
  // The secrets: read from SSM into a root-only file the unit loads, never in the unit or the boot script.
  const envFile = path.join(b.root, SECRETS_ENV_FILE);
  expect(fs.readFileSync(envFile, 'utf8')).toBe(
    `ADMIN_TOKEN=${SECRET_VALUES['admin-token']}\nMETRICS_TOKEN=${SECRET_VALUES['metrics-token']}\nORIGIN_SECRET=${SECRET_VALUES['origin-secret']}\n`,
  );
  expect(fs.statSync(envFile).mode & 0o777).toBe(0o600);
  expect(unit).toContain('ExecStartPre=+/usr/local/libexec/chat-secrets');
  expect(unit).not.toContain(SECRET_VALUES['admin-token']);
  // …and the server got them: the admin token from SSM is the one it checks.
  const del = (token: string) =>
    fetch(`http://127.0.0.1:${b.port}/messages/global/00000000000000000001`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
  expect((await del('wrong-token-wrong-token')).status).toBe(403);
  expect((await del(SECRET_VALUES['admin-token']!)).status).not.toBe(403);
}, 300_000);

test('a bundle that does not match the digest the pointer records is never unpacked', async () => {
  await ssm().send(new PutParameterCommand({ Name: POINTER, Type: 'String', Value: `${SHA} ${'0'.repeat(64)}`, Overwrite: true }));
  try {
    const b = await boot(tarballSha);
    expect(b.out).toContain('does not match its recorded SHA-256');
    expect(b.code).not.toBe(0);
    expect(fs.existsSync(path.join(b.root, 'opt/chat/current'))).toBe(false);
    expect(fs.readdirSync(path.join(b.root, 'opt/chat/releases'))).toEqual([]);
  } finally {
    await ssm().send(new PutParameterCommand({ Name: POINTER, Type: 'String', Value: `${SHA} ${bundleSha}`, Overwrite: true }));
  }
}, 300_000);

test('a secret missing from SSM stops the boot with its name, before any release', async () => {
  const name = secretParameterName('/chat/prod', 'metrics-token');
  await ssm().send(new DeleteParameterCommand({ Name: name }));
  try {
    const b = await boot(tarballSha);
    expect(b.out).toContain(`missing SSM parameters: ${name}`);
    expect(b.code).not.toBe(0);
    expect(fs.existsSync(path.join(b.root, 'opt/chat/current'))).toBe(false);
  } finally {
    await ssm().send(new PutParameterCommand({ Name: name, Type: 'SecureString', Value: SECRET_VALUES['metrics-token'] }));
  }
}, 300_000);

test('a tarball that does not match the pinned checksum stops the boot before anything is installed', async () => {
  const b = await boot('0'.repeat(64));
  expect(b.out).toContain('checksum mismatch');
  expect(b.code).not.toBe(0);
  expect(fs.existsSync(path.join(b.root, 'usr/local/bin/node'))).toBe(false);
  expect(fs.existsSync(path.join(b.root, 'opt/chat/current'))).toBe(false);
}, 300_000);

test('before the first release (pointer none) the instance gets ready and waits for a release', async () => {
  // Last test: it leaves the pointer at none.
  await ssm().send(new PutParameterCommand({ Name: POINTER, Type: 'String', Value: 'none', Overwrite: true }));
  const b = await boot(tarballSha);
  expect(b.out).toContain('no release yet');
  expect(b.code).toBe(0);
  expect(fs.existsSync(path.join(b.root, 'etc/systemd/system/chat.service'))).toBe(true);
  expect(fs.existsSync(path.join(b.root, 'opt/chat/current'))).toBe(false);
}, 300_000);
