/**
 * What `destroy` reports at the end: anything of this deployment still in the account that bills (instances,
 * Elastic IPs, buckets, the table, queues), found by name and by the stacks' `Project` tag, not from terraform state
 * (which is what may be wrong when something is left).
 */
import { DescribeAddressesCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from './clients';
import type { InfraConfig } from '../config';
import { bucketName, tableName } from '../names';

const missing = (e: unknown): boolean => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    err.name === 'NotFound' ||
    err.name === 'NoSuchBucket' ||
    err.name === 'ResourceNotFoundException' ||
    err.$metadata?.httpStatusCode === 404
  );
};

export async function findLeftovers(clients: AwsClients, config: InfraConfig, accountId: string): Promise<string[]> {
  const left: string[] = [];
  const tag = [{ Name: 'tag:Project', Values: [config.prefix] }];

  const reservations =
    (
      await clients.ec2.send(
        new DescribeInstancesCommand({
          Filters: [...tag, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }],
        }),
      )
    ).Reservations ?? [];
  for (const i of reservations.flatMap((r) => r.Instances ?? []))
    left.push(`EC2 instance ${i.InstanceId} (${i.InstanceType}, ${i.State?.Name})`);

  for (const a of (await clients.ec2.send(new DescribeAddressesCommand({ Filters: tag }))).Addresses ?? []) {
    left.push(`Elastic IP ${a.PublicIp} (${a.AllocationId})`);
  }

  for (const role of ['uploads', 'site', 'artifacts'] as const) {
    const bucket = bucketName(config.prefix, role, accountId, config.region);
    try {
      await clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
      left.push(`S3 bucket ${bucket}`);
    } catch (e) {
      if (!missing(e)) throw e;
    }
  }

  try {
    await clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName(config.prefix) }));
    left.push(`DynamoDB table ${tableName(config.prefix)}`);
  } catch (e) {
    if (!missing(e)) throw e;
  }

  for (const url of (await clients.sqs.send(new ListQueuesCommand({ QueueNamePrefix: `${config.prefix}-` }))).QueueUrls ?? []) {
    left.push(`SQS queue ${url}`);
  }
  return left;
}
