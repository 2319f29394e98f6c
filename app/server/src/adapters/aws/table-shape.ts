import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * Sort keys of id records: `id#<id>` in the room's partition. Message seqs are zero-padded digits, which sort before
 * `i`, so every history query bounds `seq` below this prefix and never sees an id record.
 */
export const ID_PREFIX = 'id#';
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
