import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The shapes of the server's data backends, defined once: the data stack declares them, the test AWS
 * (tools/local-aws) creates them, and the embedded queue and the consumer follow the queue's.
 */

/**
 * Sort keys of id records: `id#<id>` in the room's partition. Message seqs are zero-padded digits, which sort before
 * `i`, so every history query bounds `seq` below this prefix and never sees an id record.
 */
export const ID_PREFIX = 'id#';
/**
 * Reactions live in the room's partition too, above the id records in sort order (`r` > `i`), so history and head
 * queries (bounded below `id#`) never see them: a count item per message (`rc#<seq>`, one number attribute per emoji,
 * named `REACTION_COUNT_PREFIX + emoji`) and a record per person, message and emoji (`rp#<person>#<seq>#<emoji>`).
 */
export const REACTION_COUNT_KEY_PREFIX = 'rc#';
export const REACTION_PERSON_KEY_PREFIX = 'rp#';
export const REACTION_COUNT_PREFIX = 'n:';
/** The count item's number of changes (ADD 1 with each), so readers can order count snapshots. */
export const REACTION_VERSION_ATTRIBUTE = 'version';
/**
 * Web Push subscriptions: in the room's partition, an item per subscription (`ps#<sha256 of the endpoint>`), above
 * the id records like reactions; and under PUSH_REGISTRY_PARTITION (not a valid room name) the item of the same key
 * listing its rooms, so that an unsubscribe finds them all.
 */
export const PUSH_KEY_PREFIX = 'ps#';
export const PUSH_REGISTRY_PARTITION = '#push';
/** The id records' TTL attribute (epoch seconds); the data stack enables TTL on it. */
export const ID_RECORD_TTL_ATTRIBUTE = 'expiresAt';

/** The history table's shape, defined once: the test set-up creates it, the data stack declares the same keys and TTL. */
export function historyTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: 'room', AttributeType: 'S' },
      { AttributeName: 'seq', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'room', KeyType: 'HASH' },
      { AttributeName: 'seq', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

/** The message queue's attributes, named as the stacks' `SqsQueue` takes them. */
export const QUEUE_ATTRIBUTES = {
  fifoQueue: true,
  // The server sets MessageDeduplicationId from the client's message id: retries dedupe, equal texts do not.
  contentBasedDeduplication: false,
  // High-throughput FIFO: ordering and dedup are per room (message group), which is all the protocol promises.
  deduplicationScope: 'messageGroup',
  fifoThroughputLimit: 'perMessageGroupId',
  // The long-poll wait (unless the server's SQS_WAIT_SECONDS says otherwise).
  receiveWaitTimeSeconds: 20,
  // How long a received message stays invisible; the consumer keeps a slow room's messages in flight this much longer.
  visibilityTimeoutSeconds: 30,
  messageRetentionSeconds: 4 * 24 * 3600,
} as const;

/** Receives after which the queue moves a message to the dead-letter queue (its redrive policy). */
export const MAX_RECEIVE_COUNT = 5;

/** The dead-letter queue keeps what it holds for SQS's longest retention, so a person has time to redrive it. */
export const DEAD_LETTER_QUEUE_ATTRIBUTES = {
  fifoQueue: true,
  messageRetentionSeconds: 14 * 24 * 3600,
} as const;

/** How long SQS FIFO remembers a deduplication id: fixed by SQS. */
export const DEDUPLICATION_WINDOW_SECONDS = 5 * 60;
/** Messages per SendMessageBatch, ReceiveMessage and DeleteMessageBatch: SQS's limit. */
export const QUEUE_BATCH_MAX = 10;

/** The dead-letter queue's attributes as SQS's CreateQueue takes them (the test AWS). */
export function deadLetterQueueCreateAttributes(): Record<string, string> {
  const q = DEAD_LETTER_QUEUE_ATTRIBUTES;
  return { FifoQueue: String(q.fifoQueue), MessageRetentionPeriod: String(q.messageRetentionSeconds) };
}

/**
 * The queue's attributes as SQS's CreateQueue takes them (the test AWS). `overrides`: tests of redelivery use a short
 * visibility timeout and fewer receives.
 */
export function queueCreateAttributes(
  deadLetterTargetArn: string,
  overrides: { visibilityTimeoutSeconds?: number; maxReceiveCount?: number } = {},
): Record<string, string> {
  const q = QUEUE_ATTRIBUTES;
  return {
    FifoQueue: String(q.fifoQueue),
    ContentBasedDeduplication: String(q.contentBasedDeduplication),
    DeduplicationScope: q.deduplicationScope,
    FifoThroughputLimit: q.fifoThroughputLimit,
    ReceiveMessageWaitTimeSeconds: String(q.receiveWaitTimeSeconds),
    VisibilityTimeout: String(overrides.visibilityTimeoutSeconds ?? q.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(q.messageRetentionSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn, maxReceiveCount: overrides.maxReceiveCount ?? MAX_RECEIVE_COUNT }),
  };
}

/** Everything the test AWS needs to create the chat's resources as the data stack does (tools/local-aws's `createChatResources`). */
export const chatResourceShape = {
  table: historyTableInput,
  deadLetterQueue: deadLetterQueueCreateAttributes,
  queue: queueCreateAttributes,
};
