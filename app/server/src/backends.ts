import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from './config';
import type { Logger } from './logger';
import type { Backends } from './ports';
import { clientConfig } from './adapters/aws/clients';
import { DynamoStore } from './adapters/aws/dynamo-store';
import { DynamoDeletes } from './adapters/aws/dynamo-deletes';
import { S3Uploads } from './adapters/aws/s3-uploads';
import { SqsQueue } from './adapters/aws/sqs-queue';
import { FileUploads } from './adapters/embedded/file-uploads';
import { MemoryQueue } from './adapters/embedded/memory-queue';
import { SqliteStore, sqliteFile } from './adapters/embedded/sqlite-store';
import { SqliteDeletes } from './adapters/embedded/sqlite-deletes';

/** Pick the adapters for the configured mode; everything above the ports is the same in both. */
export async function createBackends(config: Config, log: Logger): Promise<Backends & { close(): Promise<void> }> {
  const t = config.backendTimeoutMs;
  if (config.aws) {
    const aws = config.aws;
    const queue = new SqsQueue(aws, t, config.sqsWaitSeconds, (body) =>
      log.error({ body: body.slice(0, 200) }, 'dropped an unreadable queue message'),
    );
    const dynamo = new DynamoDBClient(clientConfig(aws, t));
    const store = new DynamoStore(dynamo, aws.tableName, config.idempotencySeconds);
    const deletes = new DynamoDeletes(dynamo, aws.tableName);
    const uploads = new S3Uploads(aws, t);
    return {
      mode: 'aws',
      queue,
      store,
      deletes,
      uploads,
      close: async () => {
        await Promise.all([queue.close(), store.close(), deletes.close(), uploads.close()]);
      },
    };
  }

  const store = new SqliteStore(sqliteFile(config.dataDir), config.idempotencySeconds);
  const deletes = new SqliteDeletes(sqliteFile(config.dataDir));
  const queue = new MemoryQueue(config.sqsWaitSeconds === undefined ? {} : { waitMs: config.sqsWaitSeconds * 1000 });
  const uploads = new FileUploads(path.join(config.dataDir, 'uploads'), {
    pendingMs: config.pendingUploadHours * 3600 * 1000,
    quotaBytes: config.uploadsQuotaBytes,
  });
  return {
    mode: 'embedded',
    queue,
    store,
    deletes,
    uploads,
    routes: uploads.routes(),
    close: async () => {
      await Promise.all([queue.close(), uploads.close()]);
      await deletes.close();
      await store.close();
    },
  };
}
