/**
 * The instance's boot script (user-data.ts) run for real in a temporary root: it downloads the Node tarball (served
 * here, the first request failing, so the retry is exercised), checks it against the checksum it was rendered with,
 * reads the release pointer from SSM and fetches release.sh and the bundle from the artifact bucket (moto), unpacks
 * the release and starts the real chat server, which then answers /readyz. The OS steps (dnf, useradd, systemctl)
 * go through the script's CHAT_BOOT_OS seam; the service is started by release/test/fixtures/restart-service.sh.
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
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { MOTO_CREDENTIALS, MOTO_REGION, awsCliDir, freePort, startMoto, type Moto } from '@chat/local-aws';
import { releaseKey } from '../src/names';
import { renderUserData } from '../src/boot/user-data';
import { REPO_ROOT, buildProjects } from './deploy-helpers';

const run = promisify(execFile);
const SHA = 'b00tb00tb00tb00tb00tb00tb00tb00tb00tb00t'.replace(/t/g, 'f');
const BUCKET = 'chat-artifacts-boot-test';
const POINTER = '/chat/prod/release';
const NODE_VERSION = process.versions.node;

let moto: Moto;
let work: string;
let tarballSha: string;
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
      `os_restart_command() { echo 'bash ${path.join(REPO_ROOT, 'release/test/fixtures/restart-service.sh')}'; }`,
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
  // The release the pipeline would have shipped: bundle.sh's tarball and release.sh under releases/<sha>/.
  buildProjects('app/server/tsconfig.json');
  const bundle = path.join(work, 'server.tgz');
  await run('bash', [path.join(REPO_ROOT, 'release/bundle.sh'), bundle], {
    env: { ...process.env, RELEASE_SHA: SHA },
    maxBuffer: 16 * 1024 * 1024,
  });
  const s3 = new S3Client({ region: MOTO_REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: releaseKey(SHA, 'server.tgz'), Body: fs.readFileSync(bundle) }));
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: releaseKey(SHA, 'release.sh'),
      Body: fs.readFileSync(path.join(REPO_ROOT, 'release/release.sh')),
    }),
  );
  s3.destroy();
  await ssm().send(new PutParameterCommand({ Name: POINTER, Type: 'String', Value: SHA }));

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
