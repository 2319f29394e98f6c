/**
 * aws mode without AWS: a moto server on a free loopback port with the queue, table and bucket the chat server
 * needs, created through the AWS SDK exactly as the infra would shape them.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { historyTableInput } from '@chat/server';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';

export interface MotoBackend {
  endpoint: string;
  /** Settings that put the chat server in aws mode against this moto. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** `CHAT_VENV`, else the repo's `.venv` (created by the test set-up), else the image's shared venv. */
export function findVenv(repoRoot: string): string {
  const candidates = [process.env.CHAT_VENV, join(repoRoot, '.venv'), '/tmp/boot/venv'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(join(p, 'bin', 'moto_server')));
  if (!found) throw new Error(`moto_server not found in ${candidates.join(', ')}: run the test set-up or set CHAT_VENV`);
  return found;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

export async function startMoto(repoRoot: string, logFile: string): Promise<MotoBackend> {
  const venv = findVenv(resolve(repoRoot));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(join(venv, 'bin', 'moto_server'), ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(force);
  };

  try {
    await waitForHttp(`${endpoint}/moto-api/`, 30_000, () => child.exitCode !== null);
    const common = { region: REGION, endpoint, credentials: CREDENTIALS };
    const suffix = Date.now().toString(36);
    const queue = await new SQSClient(common).send(
      new CreateQueueCommand({
        QueueName: `chat-loadtest-${suffix}.fifo`,
        Attributes: { FifoQueue: 'true', VisibilityTimeout: '30', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' },
      }),
    );
    const table = `chat-loadtest-${suffix}`;
    const ddb = new DynamoDBClient(common);
    await ddb.send(new CreateTableCommand(historyTableInput(table)));
    await waitUntilTableExists({ client: ddb, maxWaitTime: 30 }, { TableName: table });
    const bucket = `chat-loadtest-${suffix}`;
    await new S3Client({ ...common, forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: bucket }));
    return {
      endpoint,
      env: {
        AWS_ENDPOINT_URL: endpoint,
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        QUEUE_URL: queue.QueueUrl!,
        TABLE_NAME: table,
        UPLOADS_BUCKET: bucket,
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitForHttp(url: string, timeoutMs: number, gaveUp: () => boolean): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (gaveUp()) throw new Error('moto_server exited during start-up');
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`moto_server did not answer at ${url} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
