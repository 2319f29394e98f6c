import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from './config';
import type { Logger } from './logger';
import type { Backends } from './ports';
import { clientConfig } from './adapters/aws/clients';
import { DynamoStore } from './adapters/aws/dynamo-store';
import { S3Uploads } from './adapters/aws/s3-uploads';
import { SqsQueue } from './adapters/aws/sqs-queue';
import { FileUploads } from './adapters/embedded/file-uploads';
import { MemoryQueue } from './adapters/embedded/memory-queue';
import { SqliteStore, sqliteFile } from './adapters/embedded/sqlite-store';

/** Pick the adapters for the configured mode; everything above the ports is the same in both. */
export async function createBackends(config: Config, log: Logger): Promise<Backends & { close(): Promise<void> }> {
  const t = config.backendTimeoutMs;
  if (config.aws) {
    const aws = config.aws;
    const queue = new SqsQueue(aws, t, config.sqsWaitSeconds, (body) =>
      log.error({ body: body.slice(0, 200) }, 'dropped an unreadable queue message'),
    );
    const store = new DynamoStore(new DynamoDBClient(clientConfig(aws, t)), aws.tableName, config.idempotencySeconds);
    const uploads = new S3Uploads(aws, t);
    return {
      mode: 'aws',
      queue,
      store,
      uploads,
      close: async () => {
        await Promise.all([queue.close(), store.close(), uploads.close()]);
      },
    };
  }

  const store = new SqliteStore(sqliteFile(config.dataDir), config.idempotencySeconds);
  const queue = new MemoryQueue({ waitMs: config.sqsWaitSeconds * 1000 });
  const uploads = new FileUploads(path.join(config.dataDir, 'uploads'));
  return {
    mode: 'embedded',
    queue,
    store,
    uploads,
    routes: uploads.routes(),
    close: async () => {
      await queue.close();
      await store.close();
    },
  };
}
