import { CreateTableCommand, DynamoDBClient, waitUntilTableExists, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MOTO_CREDENTIALS, MOTO_REGION } from './moto';

/** The aws-mode settings of the chat server for resources on a local endpoint. */
export interface ChatResources {
  QUEUE_URL: string;
  TABLE_NAME: string;
  UPLOADS_BUCKET: string;
  AWS_REGION: string;
  AWS_ENDPOINT_URL: string;
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
): Promise<ChatResources> {
  const cfg = { region: MOTO_REGION, endpoint, credentials: MOTO_CREDENTIALS };
  const sqs = new SQSClient(cfg);
  const ddb = new DynamoDBClient(cfg);
  const s3 = new S3Client({ ...cfg, forcePathStyle: true });
  try {
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: `${name}.fifo`,
        Attributes: {
          FifoQueue: 'true',
          ContentBasedDeduplication: 'false',
          DeduplicationScope: 'messageGroup',
          FifoThroughputLimit: 'perMessageGroupId',
          VisibilityTimeout: '30',
        },
      }),
    );
    await ddb.send(new CreateTableCommand(tableInput(name)));
    await waitUntilTableExists({ client: ddb, maxWaitTime: 30 }, { TableName: name });
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    return { QUEUE_URL: queue.QueueUrl!, TABLE_NAME: name, UPLOADS_BUCKET: name, AWS_REGION: MOTO_REGION, AWS_ENDPOINT_URL: endpoint };
  } finally {
    sqs.destroy();
    ddb.destroy();
    s3.destroy();
  }
}
