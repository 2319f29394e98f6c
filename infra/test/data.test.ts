import { PENDING_UPLOAD_PREFIX } from '@chat/server/iam';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { SqsQueueRedriveAllowPolicy } from '@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy';
import { only, parse, resources, statements, synthAll } from './helpers';

describe('data stack', () => {
  const { json } = synthAll();
  const data = json.data;

  test('the queue is FIFO with the server setting the dedup id (content-based dedup off)', () => {
    expect(data).toHaveResourceWithProperties(SqsQueue, {
      name: 'chat-messages.fifo',
      fifo_queue: true,
      content_based_deduplication: false,
    });
  });

  test('the queue is high-throughput FIFO: dedup scope and throughput limit per message group', () => {
    expect(data).toHaveResourceWithProperties(SqsQueue, {
      name: 'chat-messages.fifo',
      deduplication_scope: 'messageGroup',
      fifo_throughput_limit: 'perMessageGroupId',
    });
  });

  test('both queues are encrypted at rest (SQS-managed SSE)', () => {
    const queues = resources(data, 'aws_sqs_queue');
    expect(queues).toHaveLength(2);
    for (const q of queues) expect(q.sqs_managed_sse_enabled).toBe(true);
  });

  test('the queue long-polls for 20 s', () => {
    expect(data).toHaveResourceWithProperties(SqsQueue, { name: 'chat-messages.fifo', receive_wait_time_seconds: 20 });
  });

  test('a FIFO dead-letter queue receives messages after 5 failed receives, and only from the chat queue', () => {
    expect(data).toHaveResourceWithProperties(SqsQueue, { name: 'chat-messages-dlq.fifo', fifo_queue: true });
    const queue = resources(data, 'aws_sqs_queue').find((q) => q.name === 'chat-messages.fifo')!;
    expect(JSON.parse(String(queue.redrive_policy))).toEqual({
      deadLetterTargetArn: '${aws_sqs_queue.dead-letter-queue.arn}',
      maxReceiveCount: 5,
    });
    expect(data).toHaveResourceWithProperties(SqsQueueRedriveAllowPolicy, { queue_url: '${aws_sqs_queue.dead-letter-queue.url}' });
    const allow = JSON.parse(String(only(data, 'aws_sqs_queue_redrive_allow_policy').redrive_allow_policy));
    expect(allow).toEqual({ redrivePermission: 'byQueue', sourceQueueArns: ['${aws_sqs_queue.queue.arn}'] });
  });

  test('the history table has the keys of the server store adapter: room (S) + seq (S), no indexes', () => {
    expect(data).toHaveResourceWithProperties(DynamodbTable, {
      name: 'chat-history',
      hash_key: 'room',
      range_key: 'seq',
      attribute: [
        { name: 'room', type: 'S' },
        { name: 'seq', type: 'S' },
      ],
    });
    const table = only(data, 'aws_dynamodb_table');
    // The id records (room, `id#<id>`) carry their expiry; TTL deletes them.
    expect(table.ttl).toEqual({ attribute_name: 'expiresAt', enabled: true });
    expect(table.global_secondary_index).toBeUndefined();
    expect(table.local_secondary_index).toBeUndefined();
  });

  test('the table uses the free tier’s whole provisioned capacity by default and on-demand as an option', () => {
    // A message is a transaction of two items (its row and its id record): 4 WCU; 25 sustain about 6 messages/s.
    expect(data).toHaveResourceWithProperties(DynamodbTable, { billing_mode: 'PROVISIONED', read_capacity: 25, write_capacity: 25 });
    const onDemand = synthAll({ dynamoBilling: 'on-demand' }).json.data;
    expect(onDemand).toHaveResourceWithProperties(DynamodbTable, { billing_mode: 'PAY_PER_REQUEST' });
    const t = only(onDemand, 'aws_dynamodb_table');
    expect(t.read_capacity).toBeUndefined();
    expect(t.write_capacity).toBeUndefined();
  });

  test('point-in-time recovery and deletion protection are options, off by default', () => {
    expect(data).toHaveResourceWithProperties(DynamodbTable, {
      point_in_time_recovery: { enabled: false },
      deletion_protection_enabled: false,
    });
    expect(synthAll({ pointInTimeRecovery: true, deletionProtection: true }).json.data).toHaveResourceWithProperties(DynamodbTable, {
      point_in_time_recovery: { enabled: true },
      deletion_protection_enabled: true,
    });
  });

  test('the uploads bucket has all four Block Public Access settings on', () => {
    expect(data).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test('the uploads bucket enforces bucket-owner object ownership (ACLs disabled)', () => {
    expect(data).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: 'BucketOwnerEnforced' } });
  });

  test('the uploads bucket encrypts by default', () => {
    expect(data).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [expect.objectContaining({ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } })],
    });
  });

  test('the uploads bucket policy denies every request without TLS', () => {
    const policy = only(data, 'aws_s3_bucket_policy');
    const deny = statements(policy.policy).find((s) => s.Effect === 'Deny');
    expect(deny).toEqual(
      expect.objectContaining({
        Principal: '*',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    const bucketArn = '${aws_s3_bucket.uploads_bucket_556152F0.arn}';
    expect(deny?.Resource).toEqual([bucketArn, `${bucketArn}/*`]);
    expect(statements(policy.policy).filter((s) => s.Effect === 'Allow')).toEqual([]);
  });

  test('expiring old uploads is an option; abandoned multipart uploads are always cleaned up', () => {
    const rulesOf = (json: string) => only(json, 'aws_s3_bucket_lifecycle_configuration').rule as { id: string; expiration?: unknown }[];
    expect(rulesOf(data).map((r) => r.id)).toEqual(['abort-incomplete-multipart', 'expire-unsent-uploads']);
    const expiring = synthAll({ uploadExpiryDays: 30 }).json.data;
    expect(expiring).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: expect.arrayContaining([
        expect.objectContaining({
          id: 'expire-old-objects',
          status: 'Enabled',
          filter: [{ prefix: 'rooms/' }],
          expiration: [{ days: 30 }],
        }),
      ]),
    });
  });

  test('uploads never sent in a message (still under pending/) expire after a day, whatever else is kept', () => {
    for (const json of [data, synthAll({ uploadExpiryDays: 30 }).json.data]) {
      expect(json).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
        rule: expect.arrayContaining([
          expect.objectContaining({
            id: 'expire-unsent-uploads',
            status: 'Enabled',
            filter: [{ prefix: PENDING_UPLOAD_PREFIX }],
            expiration: [{ days: 1 }],
          }),
        ]),
      });
    }
    expect(PENDING_UPLOAD_PREFIX).toBe('pending/');
  });

  test('outputs carry the server setting names', () => {
    const out = parse(data).output!;
    expect(out.QUEUE_URL!.value).toBe('${aws_sqs_queue.queue.url}');
    expect(out.TABLE_NAME!.value).toBe('${aws_dynamodb_table.history.name}');
    expect(out.UPLOADS_BUCKET!.value).toBe('${aws_s3_bucket.uploads_bucket_556152F0.bucket}');
    expect(out.AWS_REGION!.value).toBe('us-east-1');
  });
});
