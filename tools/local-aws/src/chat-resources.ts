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
  /** Where the queue moves a message after its last receive, as in the data stack (`npm run redrive` reads it). */
  DEAD_LETTER_QUEUE_URL: string;
  /**
   * The table's capacity, as the stacks pass it: moto's table never throttles, so a budget tests never reach (they
   * measure the chat, not the budget; the budget's own tests set theirs).
   */
  STORE_WRITE_UNITS: string;
  STORE_READ_UNITS: string;
}

/** A capacity far past what loopback tests spend. */
const UNTHROTTLED_UNITS = '1000000';

export interface ChatResourceOptions {
  /** The queue's visibility timeout instead of the data stack's; tests of redelivery use a short one. */
  visibilityTimeoutSeconds?: number;
  /** Receives before the dead-letter queue, instead of the data stack's. */
  maxReceiveCount?: number;
}

/** How the resources are shaped: the server's `chatResourceShape`, which the data stack declares too. */
export interface ChatResourceShape {
  table(tableName: string): CreateTableCommandInput;
  /** CreateQueue attributes of the dead-letter queue. */
  deadLetterQueue(): Record<string, string>;
  /** CreateQueue attributes of the queue, which moves a message to `deadLetterArn` after its receives. */
  queue(deadLetterArn: string, opts: ChatResourceOptions): Record<string, string>;
}

/**
 * A FIFO queue with its dead-letter queue, a history table and an uploads bucket named `name`, shaped as the data
 * stack makes them. The shapes come from the caller (the server's `chatResourceShape`), so this package does not
 * depend on the server.
 */
export async function createChatResources(
  endpoint: string,
  name: string,
  shape: ChatResourceShape,
  opts: ChatResourceOptions = {},
): Promise<ChatResources> {
  const cfg = { region: MOTO_REGION, endpoint, credentials: MOTO_CREDENTIALS };
  const sqs = new SQSClient(cfg);
  const ddb = new DynamoDBClient(cfg);
  const s3 = new S3Client({ ...cfg, forcePathStyle: true });
  try {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq.fifo`, Attributes: shape.deadLetterQueue() }));
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ['QueueArn'] }))).Attributes![
      'QueueArn'
    ]!;
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: `${name}.fifo`, Attributes: shape.queue(dlqArn, opts) }));
    await ddb.send(new CreateTableCommand(shape.table(name)));
    await waitUntilTableExists({ client: ddb, maxWaitTime: 30 }, { TableName: name });
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    return {
      QUEUE_URL: queue.QueueUrl!,
      TABLE_NAME: name,
      UPLOADS_BUCKET: name,
      AWS_REGION: MOTO_REGION,
      AWS_ENDPOINT_URL: endpoint,
      DEAD_LETTER_QUEUE_URL: dlq.QueueUrl!,
      STORE_WRITE_UNITS: UNTHROTTLED_UNITS,
      STORE_READ_UNITS: UNTHROTTLED_UNITS,
    };
  } finally {
    sqs.destroy();
    ddb.destroy();
    s3.destroy();
  }
}
