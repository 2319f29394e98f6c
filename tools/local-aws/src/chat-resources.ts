import { CreateTableCommand, DynamoDBClient, waitUntilTableExists, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MOTO_CREDENTIALS, MOTO_REGION } from './moto';

/** The aws-mode settings of the chat server for resources on a local endpoint. */
export interface ChatResources {
  QUEUE_URL: string;
  TABLE_NAME: string;
  UPLOADS_BUCKET: string;
  AWS_REGION: string;
  AWS_ENDPOINT_URL: string;
  /** Where the queue moves a message after five receives, as in the data stack (`npm run redrive` reads it). */
  DEAD_LETTER_QUEUE_URL: string;
}

export interface ChatResourceOptions {
  /** The queue's visibility timeout (the data stack's is 30 s); tests of redelivery use a short one. */
  visibilityTimeoutSeconds?: number;
  /** Receives before the dead-letter queue (the data stack's is 5). */
  maxReceiveCount?: number;
}

/**
 * A FIFO queue, a history table and an uploads bucket named `name`, shaped as the data stack makes them (the
 * server's dedup id, dedup and throughput per message group). The table's shape comes from the caller
 * (the server's `historyTableInput`), so this package does not depend on the server.
 */
export async function createChatResources(
  endpoint: string,
  name: string,
  tableInput: (tableName: string) => CreateTableCommandInput,
  opts: ChatResourceOptions = {},
): Promise<ChatResources> {
  const cfg = { region: MOTO_REGION, endpoint, credentials: MOTO_CREDENTIALS };
  const sqs = new SQSClient(cfg);
  const ddb = new DynamoDBClient(cfg);
  const s3 = new S3Client({ ...cfg, forcePathStyle: true });
  try {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq.fifo`, Attributes: { FifoQueue: 'true' } }));
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ['QueueArn'] }))).Attributes![
      'QueueArn'
    ]!;
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: `${name}.fifo`,
        Attributes: {
          FifoQueue: 'true',
          ContentBasedDeduplication: 'false',
          DeduplicationScope: 'messageGroup',
          FifoThroughputLimit: 'perMessageGroupId',
          VisibilityTimeout: String(opts.visibilityTimeoutSeconds ?? 30),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: opts.maxReceiveCount ?? 5 }),
        },
      }),
    );
    await ddb.send(new CreateTableCommand(tableInput(name)));
    await waitUntilTableExists({ client: ddb, maxWaitTime: 30 }, { TableName: name });
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    return {
      QUEUE_URL: queue.QueueUrl!,
      TABLE_NAME: name,
      UPLOADS_BUCKET: name,
      AWS_REGION: MOTO_REGION,
      AWS_ENDPOINT_URL: endpoint,
      DEAD_LETTER_QUEUE_URL: dlq.QueueUrl!,
    };
  } finally {
    sqs.destroy();
    ddb.destroy();
    s3.destroy();
  }
}
