/**
 * The reader systemd runs before each start of the service (boot/secrets.ts), alone, against moto with the real AWS
 * CLI: the auth stack's issuer and client id (settings) come with the secrets, may be missing only at the boot's own
 * check (that stack is applied after the instance's), and a value that is not a URL or an identifier is refused.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { MOTO_CREDENTIALS, MOTO_REGION, awsCliDir, startMoto, type Moto } from '@chat/local-aws';
import { SECRETS_ENV_FILE, SETTINGS_OPTIONAL_ENV, secretsReader } from '../src/boot/secrets';
import { secretParameterName } from '../src/secrets';
import { authParameterName } from '../src/names';
import { motoAwsEnv } from './deploy-helpers';

const run = promisify(execFile);
const ADMIN = secretParameterName('/chat/prod', 'admin-token');
const ISSUER = authParameterName('/chat/prod', 'issuer');
const CLIENT = authParameterName('/chat/prod', 'client-id');
const reader = secretsReader({ parameters: { 'admin-token': ADMIN }, settings: { AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: CLIENT } });

let moto: Moto;
let ssm: SSMClient;
let work: string;

async function read(extra: Record<string, string> = {}): Promise<{ code: number; out: string; env: string }> {
  const root = fs.mkdtempSync(path.join(work, 'root-'));
  const script = path.join(root, 'chat-secrets');
  fs.writeFileSync(script, reader, { mode: 0o755 });
  const env = {
    PATH: [awsCliDir(), '/usr/bin', '/bin'].join(':'),
    HOME: root,
    CHAT_BOOT_ROOT: root,
    ...motoAwsEnv(moto.endpoint),
    AWS_DEFAULT_REGION: MOTO_REGION,
    ...extra,
  };
  const file = path.join(root, SECRETS_ENV_FILE);
  const text = () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
  try {
    const { stdout, stderr } = await run('bash', [script], { env });
    return { code: 0, out: stdout + stderr, env: text() };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr, env: text() };
  }
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-secrets-reader-'));
  moto = await startMoto();
  ssm = new SSMClient({ region: MOTO_REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  await ssm.send(new PutParameterCommand({ Name: ADMIN, Type: 'SecureString', Value: 'a'.repeat(43) }));
}, 300_000);

afterAll(async () => {
  ssm?.destroy();
  await moto?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

test('before the auth stack exists: the boot check passes without the settings, a start of the service does not', async () => {
  const atBoot = await read({ [SETTINGS_OPTIONAL_ENV]: '1' });
  expect(atBoot.out).toContain(`not there yet: ${ISSUER} ${CLIENT}`);
  expect(atBoot.code).toBe(0);
  expect(atBoot.env).toBe(`ADMIN_TOKEN=${'a'.repeat(43)}\n`);
  const atStart = await read();
  expect(atStart.out).toContain(`missing SSM parameters: ${ISSUER} ${CLIENT} (the auth stack writes them: npm run deploy)`);
  expect(atStart.code).toBe(1);
}, 120_000);

test('a missing secret stops even the boot check', async () => {
  await ssm.send(new DeleteParameterCommand({ Name: ADMIN }));
  try {
    const r = await read({ [SETTINGS_OPTIONAL_ENV]: '1' });
    expect(r.out).toContain(`missing SSM parameters: ${ADMIN} (npm run deploy creates them)`);
    expect(r.code).toBe(1);
  } finally {
    await ssm.send(new PutParameterCommand({ Name: ADMIN, Type: 'SecureString', Value: 'a'.repeat(43) }));
  }
}, 120_000);

test('once written: the server gets AUTH_ISSUER and AUTH_AUDIENCE with its secrets; a value that is not a URL is refused', async () => {
  const issuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123xyz';
  await ssm.send(new PutParameterCommand({ Name: ISSUER, Type: 'String', Value: issuer }));
  await ssm.send(new PutParameterCommand({ Name: CLIENT, Type: 'String', Value: '4j2f7kq0abcdefghijklmnopq' }));
  const r = await read();
  expect(r.code).toBe(0);
  expect(r.env).toBe(`ADMIN_TOKEN=${'a'.repeat(43)}\nAUTH_ISSUER=${issuer}\nAUTH_AUDIENCE=4j2f7kq0abcdefghijklmnopq\n`);
  expect(r.out).toContain('1 secrets and 2 settings for the server');

  await ssm.send(new PutParameterCommand({ Name: CLIENT, Type: 'String', Value: 'x y$(reboot)', Overwrite: true }));
  const bad = await read();
  expect(bad.out).toContain(`${CLIENT} is not a URL or an identifier`);
  expect(bad.code).toBe(1);
  expect(bad.env).toBe('');
}, 120_000);
