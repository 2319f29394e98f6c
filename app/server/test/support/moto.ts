import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { historyTableInput } from '../../src';

import { MOTO_CREDENTIALS, MOTO_REGION } from '@chat/local-aws';

export { startMoto, type Moto } from '@chat/local-aws';

export const TEST_REGION = MOTO_REGION;

/** Credentials moto accepts; set before any SDK client reads the environment. */
export function useFakeCredentials(): void {
  process.env['AWS_ACCESS_KEY_ID'] = MOTO_CREDENTIALS.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = MOTO_CREDENTIALS.secretAccessKey;
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
