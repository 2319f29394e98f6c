import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from './config';
import type { Logger } from './logger';
import type { Backends } from './ports';
import type { AwsUsage } from './adapters/aws/aws-usage';
import { clientConfig } from './adapters/aws/clients';
import { DynamoStore } from './adapters/aws/dynamo-store';
import { DynamoDeletes } from './adapters/aws/dynamo-deletes';
import { DynamoMemberships } from './adapters/aws/dynamo-memberships';
import { DynamoEdits } from './adapters/aws/dynamo-edits';
import { DynamoReactions } from './adapters/aws/dynamo-reactions';
import { DynamoPush } from './adapters/aws/dynamo-push';
import { S3Uploads } from './adapters/aws/s3-uploads';
import { SqsQueue } from './adapters/aws/sqs-queue';
import { FileUploads } from './adapters/embedded/file-uploads';
import { MemoryQueue } from './adapters/embedded/memory-queue';
import { SqliteStore, sqliteFile } from './adapters/embedded/sqlite-store';
import { SqliteDeletes } from './adapters/embedded/sqlite-deletes';
import { SqliteMemberships } from './adapters/embedded/sqlite-memberships';
import { SqliteEdits } from './adapters/embedded/sqlite-edits';
import { SqliteReactions } from './adapters/embedded/sqlite-reactions';
import { SqlitePush } from './adapters/embedded/sqlite-push';

/**
 * Pick the adapters for the configured mode; everything above the ports is the same in both. `usage` counts what
 * the aws adapters ask of AWS.
 */
export async function createBackends(config: Config, log: Logger, usage?: AwsUsage): Promise<Backends & { close(): Promise<void> }> {
  const t = config.backendTimeoutMs;
  if (config.aws) {
    const aws = config.aws;
    const queue = new SqsQueue(
      aws,
      t,
      config.sqsWaitSeconds,
      (body) => log.error({ body: body.slice(0, 200) }, 'dropped an unreadable queue message'),
      usage,
    );
    const dynamo = new DynamoDBClient(clientConfig(aws, t));
    usage?.attach('dynamodb', dynamo);
    const store = new DynamoStore(dynamo, aws.tableName, config.idempotencySeconds);
    const deletes = new DynamoDeletes(dynamo, aws.tableName);
    const edits = new DynamoEdits(dynamo, aws.tableName);
    const reactions = new DynamoReactions(dynamo, aws.tableName);
    const push = new DynamoPush(dynamo, aws.tableName);
    const uploads = new S3Uploads(aws, t, usage);
    const memberships = new DynamoMemberships(dynamo, aws.tableName);
    return {
      mode: 'aws',
      queue,
      store,
      deletes,
      edits,
      reactions,
      push,
      uploads,
      memberships,
      close: async () => {
        await Promise.all([
          queue.close(),
          store.close(),
          deletes.close(),
          edits.close(),
          reactions.close(),
          push.close(),
          uploads.close(),
          memberships.close(),
        ]);
      },
    };
  }

  const store = new SqliteStore(sqliteFile(config.dataDir), config.idempotencySeconds);
  const deletes = new SqliteDeletes(sqliteFile(config.dataDir));
  const memberships = new SqliteMemberships(sqliteFile(config.dataDir));
  const edits = new SqliteEdits(sqliteFile(config.dataDir));
  const reactions = new SqliteReactions(sqliteFile(config.dataDir));
  const push = new SqlitePush(sqliteFile(config.dataDir));
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
    edits,
    reactions,
    push,
    uploads,
    memberships,
    routes: uploads.routes(),
    close: async () => {
      await Promise.all([queue.close(), uploads.close()]);
      await Promise.all([deletes.close(), edits.close(), reactions.close(), push.close(), memberships.close()]);
      await store.close();
    },
  };
}
