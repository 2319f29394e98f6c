import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MOTO_CREDENTIALS, MOTO_REGION } from '@chat/local-aws';
import { createResources, startMoto, type Moto } from './support/moto';

const REDRIVE = path.join(__dirname, '../dist/redrive-main.js');
const SETTINGS = ['QUEUE_URL', 'DEAD_LETTER_QUEUE_URL', 'TABLE_NAME', 'UPLOADS_BUCKET', 'AWS_REGION', 'AWS_ENDPOINT_URL'];

/** `npm run redrive`'s program with only the given settings (none of this shell's AWS ones). */
function redrive(args: string[], env: Record<string, string> = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SETTINGS.includes(k) && !k.startsWith('AWS_')));
  const r = spawnSync(process.execPath, [REDRIVE, ...args], { env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'redrive-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('--help prints the usage with every setting it reads and exits 0', () => {
  const r = redrive(['--help']);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^Usage: npm run redrive -- \[options\]/);
  for (const name of ['DEAD_LETTER_QUEUE_URL', 'QUEUE_URL', 'AWS_REGION', 'AWS_ENDPOINT_URL', '--outputs'])
    expect(r.stdout).toContain(name);
});

test('an unknown option is one line that points at --help (exit 2)', () => {
  const r = redrive(['--bogus']);
  expect(r.status).toBe(2);
  expect(r.stderr.trim()).toBe('unknown option --bogus (npm run redrive -- --help lists the options)');
});

test('without settings or outputs file: one line naming what is missing and where it comes from, exit 78', () => {
  const r = redrive(['--outputs', path.join(dir, 'none.json')]);
  expect(r.status).toBe(78);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/needs DEAD_LETTER_QUEUE_URL, QUEUE_URL, TABLE_NAME, UPLOADS_BUCKET, AWS_REGION: not set.*npm run deploy/);
});

test('an endpoint that does not answer: one line, no stack trace', () => {
  const r = redrive([], {
    QUEUE_URL: 'http://127.0.0.1:9/000000000000/q.fifo',
    DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:9/000000000000/d.fifo',
    TABLE_NAME: 't',
    UPLOADS_BUCKET: 'b',
    AWS_REGION: MOTO_REGION,
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
  });
  expect(r.status).toBe(1);
  expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/127\.0\.0\.1:9 .*—/)]);
});

describe('against moto', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(() => moto.stop());

  test('reads the settings it lacks from the deploy outputs file and moves the dead letters back', async () => {
    const r = await createResources(moto.endpoint, `redrive-cli-${Date.now()}`);
    const outputs = path.join(dir, 'outputs.json');
    // As deploy writes it: every stack's outputs by name (the endpoint is moto's, given by the environment here).
    writeFileSync(outputs, JSON.stringify({ ...r, AWS_ENDPOINT_URL: undefined, API_URL: 'http://chat.invalid' }, null, 2));
    const creds = { region: MOTO_REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
    const sqs = new SQSClient(creds);
    await sqs.send(
      new SendMessageCommand({ QueueUrl: r.DEAD_LETTER_QUEUE_URL, MessageBody: '{}', MessageGroupId: 'room', MessageDeduplicationId: 'x' }),
    );

    const out = redrive(['--outputs', outputs], {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('DEAD_LETTER_QUEUE_URL, QUEUE_URL, TABLE_NAME, UPLOADS_BUCKET, AWS_REGION');
    expect(out.stdout).toContain(`moved 1 message from the dead-letter queue back to ${r.QUEUE_URL}`);
    const back = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: r.QUEUE_URL, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['MessageGroupId'] }),
    );
    expect(back.Messages?.map((m) => m.Attributes?.MessageGroupId)).toEqual(['room']);
    sqs.destroy();
  });
});
