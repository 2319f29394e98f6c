import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { historyTableInput } from '../../src';

const REPO = path.resolve(__dirname, '../../../..');

/** The moto server binary from the test set-up's virtual environment. */
export function motoBinary(): string {
  const venvs = [process.env['CHAT_VENV'], path.join(REPO, '.venv'), '/tmp/boot/venv'].filter(Boolean) as string[];
  for (const venv of venvs) {
    const bin = path.join(venv, 'bin', 'moto_server');
    if (fs.existsSync(bin)) return bin;
  }
  throw new Error(`moto_server not found in ${venvs.join(', ')}: run \`npm test\` (its set-up creates .venv) or scripts/setup-python.sh`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto did not listen on ${port} within ${ms} ms`);
}

export interface Moto {
  endpoint: string;
  /** Freeze the process: every call hangs, the way an unreachable backend behaves. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn(motoBinary(), ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  try {
    await waitForPort(port, 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGCONT');
        child.kill('SIGTERM');
      }),
  };
}

export const TEST_REGION = 'us-east-1';

/** Credentials moto accepts; set before any SDK client reads the environment. */
export function useFakeCredentials(): void {
  process.env['AWS_ACCESS_KEY_ID'] = 'testing';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'testing';
  delete process.env['AWS_PROFILE'];
  delete process.env['AWS_SESSION_TOKEN'];
}

export interface AwsResources {
  QUEUE_URL: string;
  TABLE_NAME: string;
  UPLOADS_BUCKET: string;
  AWS_REGION: string;
  AWS_ENDPOINT_URL: string;
}

/** A fresh queue, table and bucket, named uniquely so tests sharing one moto never see each other's data. */
export async function createResources(endpoint: string, name: string): Promise<AwsResources> {
  useFakeCredentials();
  const cfg = { region: TEST_REGION, endpoint };
  const sqs = new SQSClient(cfg);
  const ddb = new DynamoDBClient(cfg);
  const s3 = new S3Client({ ...cfg, forcePathStyle: true });
  const q = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${name}.fifo`,
      Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' },
    }),
  );
  await ddb.send(new CreateTableCommand(historyTableInput(name)));
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  sqs.destroy();
  ddb.destroy();
  s3.destroy();
  return { QUEUE_URL: q.QueueUrl!, TABLE_NAME: name, UPLOADS_BUCKET: name, AWS_REGION: TEST_REGION, AWS_ENDPOINT_URL: endpoint };
}
