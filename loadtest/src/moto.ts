/**
 * aws mode without AWS: a moto server on a free loopback port with the queue, table and bucket the chat server
 * needs, created through the AWS SDK exactly as the infra would shape them.
 */
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MOTO_CREDENTIALS, MOTO_REGION, startMoto } from '@chat/local-aws';
import { historyTableInput } from '@chat/server';

export interface MotoBackend {
  endpoint: string;
  /** Settings that put the chat server in aws mode against this moto. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startMotoBackend(logFile: string): Promise<MotoBackend> {
  const moto = await startMoto({ logFile });
  try {
    const common = { region: MOTO_REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
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
      endpoint: moto.endpoint,
      env: {
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_REGION: MOTO_REGION,
        AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
        QUEUE_URL: queue.QueueUrl!,
        TABLE_NAME: table,
        UPLOADS_BUCKET: bucket,
      },
      stop: moto.stop,
    };
  } catch (err) {
    await moto.stop();
    throw err;
  }
}
