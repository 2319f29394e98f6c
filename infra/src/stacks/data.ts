import type { Construct } from 'constructs';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueueRedriveAllowPolicy } from '@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { DEAD_LETTER_QUEUE_ATTRIBUTES, ID_RECORD_TTL_ATTRIBUTE, MAX_RECEIVE_COUNT, QUEUE_ATTRIBUTES } from '@chat/server/table-shape';
import { BaseStack } from './base-stack';
import type { InfraConfig } from '../config';
import { skipCheck } from '../checkov/skip';
import { bucketName, deadLetterQueueName, queueName, tableName } from '../names';
import { PrivateBucket } from '../constructs/private-bucket';
import { PENDING_UPLOAD_PREFIX } from '@chat/server/iam';

/** The server's three backends; their lifetime is the data's, longer than any instance or site build. */
export class DataStack extends BaseStack {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  readonly table: DynamodbTable;
  readonly uploads: PrivateBucket;

  constructor(scope: Construct, config: InfraConfig) {
    super(scope, 'data', config);

    this.deadLetterQueue = new SqsQueue(this, 'dead-letter-queue', {
      name: deadLetterQueueName(config.prefix),
      ...DEAD_LETTER_QUEUE_ATTRIBUTES,
      sqsManagedSseEnabled: true,
    });

    this.queue = new SqsQueue(this, 'queue', {
      name: queueName(config.prefix),
      // FIFO, dedup by the client's message id per room, long poll, visibility and retention: the server's queue shape.
      ...QUEUE_ATTRIBUTES,
      sqsManagedSseEnabled: true,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: MAX_RECEIVE_COUNT }),
    });

    new SqsQueueRedriveAllowPolicy(this, 'dead-letter-queue-sources', {
      queueUrl: this.deadLetterQueue.url,
      redriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [this.queue.arn] }),
    });

    const provisioned = config.dynamoBilling === 'provisioned';
    this.table = new DynamodbTable(this, 'history', {
      name: tableName(config.prefix),
      billingMode: provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST',
      ...(provisioned ? { readCapacity: config.dynamoCapacity, writeCapacity: config.dynamoCapacity } : {}),
      // Must match the server's store adapter: partition `room`, sort `seq`, both strings, no indexes. The sort key
      // holds a message's seq, or `id#<id>` for the id record that makes a retry recognisable.
      hashKey: 'room',
      rangeKey: 'seq',
      attribute: [
        { name: 'room', type: 'S' },
        { name: 'seq', type: 'S' },
      ],
      // Id records expire after the server's IDEMPOTENCY_WINDOW_HOURS (DynamoDB deletes them within days, for free).
      ttl: { attributeName: ID_RECORD_TTL_ATTRIBUTE, enabled: true },
      pointInTimeRecovery: { enabled: config.pointInTimeRecovery },
      deletionProtectionEnabled: config.deletionProtection,
    });
    skipCheck(
      this.table,
      'CKV_AWS_119',
      'DynamoDB always encrypts at rest; the default AWS owned key is free, a customer managed key costs $1/month plus requests.',
    );
    if (provisioned) {
      skipCheck(
        this.table,
        'CKV2_AWS_16',
        'Fixed capacity inside the free allowance on purpose: auto scaling could scale past it; on-demand is the option (CHAT_DYNAMO_BILLING).',
      );
    }
    if (!config.pointInTimeRecovery) {
      skipCheck(
        this.table,
        'CKV_AWS_28',
        'Point-in-time recovery is an option (CHAT_PITR=true); off by default because it is billed per GB outside the free tier.',
      );
    }

    // Its CORS rule (the site's origin, POST only) is in the web stack: with CloudFront that origin exists only there.
    this.uploads = new PrivateBucket(this, 'uploads', {
      bucket: bucketName(config.prefix, 'uploads', this.accountId, config.region),
      expireDays: config.uploadExpiryDays,
      expirePrefix: 'rooms/',
      versioning: {
        noneBecause: 'Upload keys are server-chosen ULIDs, written once and never overwritten; versions would only add storage.',
      },
      // Uploaded but never sent in a message: S3 expires at day granularity, so a day is the shortest it can be.
      alsoExpire: [{ id: 'expire-unsent-uploads', prefix: PENDING_UPLOAD_PREFIX, days: 1 }],
    });

    this.output('QUEUE_URL', this.queue.url, 'SQS FIFO queue the server sends to and long-polls (server setting QUEUE_URL)');
    this.output('TABLE_NAME', this.table.name, 'DynamoDB history table (server setting TABLE_NAME)');
    this.output('UPLOADS_BUCKET', this.uploads.bucket.bucket, 'Private bucket for images (server setting UPLOADS_BUCKET)');
    this.output('AWS_REGION', config.region, 'Region of every stack (server setting AWS_REGION)');
    this.output('DEAD_LETTER_QUEUE_URL', this.deadLetterQueue.url, 'Messages the server failed to fan out five times');
  }
}
