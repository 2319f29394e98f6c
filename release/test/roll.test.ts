/**
 * The rolling release of CHAT_INSTANCES ≥ 2 (ci/roll-release.sh): moto stands in for the Auto Scaling group and S3,
 * and each "instance" of the group is a directory with its own real chat server (embedded mode, its own port),
 * released by the real release.sh, as the SSM command would on the instance (fixtures/ship-one-locally.sh).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, startMoto, type Moto } from '@chat/local-aws';
import { REPO_ROOT, awsCliEnv, build } from './tools';

const run = promisify(execFile);
const DEPLOY = path.join(REPO_ROOT, 'release');
const A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const ARTIFACTS = 'chat-artifacts-roll';
const GROUP = 'chat-servers';
const POINTER = '/chat/prod/release';

let work: string;
let moto: Moto;
let awsEnv: NodeJS.ProcessEnv;
let bundle: string;
let bundleSha256: string;
let broken: string;
let instances: { id: string; home: string; port: number }[] = [];

async function aws<T = unknown>(...args: string[]): Promise<T> {
  const { stdout } = await run('aws', [...args, '--output', 'json'], { env: awsEnv, maxBuffer: 16 * 1024 * 1024 });
  return (stdout.trim() ? JSON.parse(stdout) : undefined) as T;
}

async function roll(sha: string, extra: NodeJS.ProcessEnv = {}): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run('bash', [path.join(DEPLOY, 'ci/roll-release.sh'), bundle], {
      env: {
        ...awsEnv,
        SHA: sha,
        ARTIFACT_BUCKET: ARTIFACTS,
        SERVER_GROUP: GROUP,
        RELEASE_PARAMETER: POINTER,
        SHIP_ONE: `bash ${path.join(DEPLOY, 'test/fixtures/ship-one-locally.sh')}`,
        INSTANCES: path.join(work, 'instances'),
        ...extra,
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stderr };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

const current = (home: string) => readlinkSync(path.join(home, 'current'));
const calls = () => readFileSync(path.join(work, 'instances/calls.log'), 'utf8').trim().split('\n');
const pointer = async () =>
  (await aws<{ Parameter: { Value: string } }>('ssm', 'get-parameter', '--name', POINTER).catch(() => undefined))?.Parameter.Value;
const ready = async (port: number) => (await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(10_000) })).status;

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'chat-roll-test-'));
  moto = await startMoto();
  awsEnv = awsCliEnv(moto.endpoint);

  build('app/server/tsconfig.json');
  const out = path.join(work, 'out');
  mkdirSync(out);
  bundle = out;
  await run('bash', [path.join(DEPLOY, 'bundle.sh'), path.join(out, 'server.tgz')], {
    cwd: work,
    env: { ...process.env, RELEASE_SHA: A },
    maxBuffer: 16 * 1024 * 1024,
  });
  bundleSha256 = createHash('sha256')
    .update(readFileSync(path.join(out, 'server.tgz')))
    .digest('hex');
  // The same bundle without a dependency: what one server gets when its download went wrong.
  const tree = path.join(work, 'broken');
  mkdirSync(tree);
  await run('tar', ['-xzf', path.join(out, 'server.tgz'), '-C', tree]);
  rmSync(path.join(tree, 'node_modules/express'), { recursive: true });
  broken = path.join(work, 'broken.tgz');
  await run('tar', ['-czf', broken, '-C', tree, '.']);

  // What the scale-out stack creates: a launch template and a group of two servers.
  await aws('s3api', 'create-bucket', '--bucket', ARTIFACTS);
  await aws(
    'ec2',
    'create-launch-template',
    '--launch-template-name',
    'chat-server',
    '--launch-template-data',
    '{"ImageId":"ami-12345678","InstanceType":"t3.micro"}',
  );
  await aws(
    'autoscaling',
    'create-auto-scaling-group',
    '--auto-scaling-group-name',
    GROUP,
    '--launch-template',
    'LaunchTemplateName=chat-server',
    '--min-size',
    '2',
    '--max-size',
    '2',
    '--desired-capacity',
    '2',
    '--availability-zones',
    'us-east-1a',
    'us-east-1b',
  );
  const group = await aws<{ AutoScalingGroups: { Instances: { InstanceId: string }[] }[] }>(
    'autoscaling',
    'describe-auto-scaling-groups',
    '--auto-scaling-group-names',
    GROUP,
  );
  const ids = group.AutoScalingGroups[0]!.Instances.map((i) => i.InstanceId).sort();
  expect(ids).toHaveLength(2);
  for (const id of ids) {
    const home = path.join(work, 'instances', id);
    mkdirSync(home, { recursive: true });
    const port = await freePort();
    const env = {
      CHAT_HOME: home,
      CHAT_RESTART_CMD: `bash ${path.join(DEPLOY, 'test/fixtures/restart-service.sh')}`,
      CHAT_READY_URL: `http://127.0.0.1:${port}/readyz`,
      CHAT_READY_TIMEOUT: '30',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: path.join(home, 'data'),
      LOG_LEVEL: 'warn',
    };
    writeFileSync(
      path.join(home, 'env'),
      Object.entries(env)
        .map(([k, v]) => `${k}='${v}'`)
        .join('\n') + '\n',
    );
    instances.push({ id, home, port });
  }
}, 300_000);

afterAll(async () => {
  for (const i of instances) {
    try {
      process.kill(Number(readFileSync(path.join(i.home, 'service.pid'), 'utf8')), 'SIGTERM');
    } catch {
      // not started or already stopped
    }
  }
  instances = [];
  await moto?.stop();
  rmSync(work, { recursive: true, force: true });
}, 120_000);

test('a release reaches every server of the group, one after the other, each ready before the next', async () => {
  const r = await roll(A);
  expect(r.stderr).toContain('released aaaaaaaaaaaa to every server');
  expect(r.code).toBe(0);
  expect(calls()).toEqual(instances.map((i) => `${i.id} ${A}`));
  for (const i of instances) {
    expect(current(i.home)).toBe(`releases/${A}`);
    expect(await ready(i.port)).toBe(200);
  }
  // Once every server succeeded, the pointer names the release and its bundle's digest.
  expect(await pointer()).toBe(`${A} ${bundleSha256}`);
}, 240_000);

test('a server that fails stops the roll, and the servers already switched go back to the previous release', async () => {
  const [first, second] = instances as [(typeof instances)[0], (typeof instances)[0]];
  writeFileSync(
    path.join(second.home, 'env'),
    `${readFileSync(path.join(second.home, 'env'), 'utf8')}CHAT_BUNDLE_OVERRIDE='${broken}'\nCHAT_BUNDLE_OVERRIDE_SHA='${B}'\nCHAT_READY_TIMEOUT='12'\n`,
  );
  writeFileSync(path.join(work, 'instances/calls.log'), '');
  const r = await roll(B);
  expect([r.code, r.stderr]).toEqual([1, expect.any(String)]);
  expect(r.stderr).toContain(`server ${second.id}: failed`);
  expect(r.stderr).toContain(`server ${first.id}: back on aaaaaaaaaaaa`);
  // first got B, second failed on B (and rolled itself back), then first was switched back to A.
  expect(calls()).toEqual([`${first.id} ${B}`, `${second.id} ${B}`, `${first.id} ${A}`]);
  for (const i of instances) {
    expect(current(i.home)).toBe(`releases/${A}`);
    expect(await ready(i.port)).toBe(200);
  }
  // The first server ran B for a while, but the roll did not finish: a server launched now must boot A.
  expect(await pointer()).toBe(`${A} ${bundleSha256}`);
}, 240_000);
