import { CreateTableCommand, type CreateTableCommandInput, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { HistoryPage, MessageStore, SequencedMessage } from '../../ports';
import { backoffDelay, sleep } from '../../util/backoff';

const MAX_WRITE_BATCH = 25;

/** The history table's shape; the infra stack declares the same keys. */
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

/** A history item as a message; what is absent stays absent. */
export function messageOfItem(i: Record<string, unknown>): SequencedMessage {
  return {
    id: String(i['id']),
    room: String(i['room']),
    author: String(i['author']),
    seq: String(i['seq']),
    sentAt: String(i['sentAt']),
    ...(i['text'] !== undefined ? { text: String(i['text']) } : {}),
    ...(i['imageKey'] !== undefined ? { imageKey: String(i['imageKey']) } : {}),
    ...(i['deleteHash'] !== undefined ? { deleteHash: String(i['deleteHash']) } : {}),
    ...(i['deletedAt'] !== undefined ? { deletedAt: String(i['deletedAt']) } : {}),
  };
}

/**
 * History in DynamoDB: one item per message, partition key `room`, sort key `seq` (zero-padded, so string order is
 * message order). The newest page is one Query read backwards.
 */
export class DynamoStore implements MessageStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** BatchWriteItem, 25 at a time: one request for a whole received batch instead of one per message. */
  async putAll(messages: SequencedMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += MAX_WRITE_BATCH) {
      let requests = messages.slice(i, i + MAX_WRITE_BATCH).map((m) => ({
        PutRequest: { Item: { room: m.room, seq: m.seq, id: m.id, author: m.author, text: m.text, imageKey: m.imageKey, sentAt: m.sentAt, deleteHash: m.deleteHash } },
      }));
      for (let attempt = 1; requests.length > 0; attempt++) {
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
        if (requests.length === 0) break;
        // Throttled: DynamoDB hands back what it did not write; wait a little and send only those.
        if (attempt >= 8) throw new Error(`DynamoDB left ${requests.length} writes unprocessed after ${attempt} attempts`);
        await sleep(backoffDelay(attempt, 50, 1000));
      }
    }
  }

  async page(room: string, limit: number, before?: string): Promise<HistoryPage> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: before === undefined ? '#room = :room' : '#room = :room AND #seq < :before',
        ExpressionAttributeNames: before === undefined ? { '#room': 'room' } : { '#room': 'room', '#seq': 'seq' },
        ExpressionAttributeValues: before === undefined ? { ':room': room } : { ':room': room, ':before': before },
        ScanIndexForward: false,
        // One more than asked tells whether an older page exists, without an empty last page.
        Limit: limit + 1,
        ConsistentRead: true,
      }),
    );
    const items = out.Items ?? [];
    const messages = items.slice(0, limit).map(messageOfItem);
    // DynamoDB also stops a Query at 1 MB, before `Limit`: then there is more even with fewer items.
    return { messages, more: items.length > limit || out.LastEvaluatedKey !== undefined };
  }

  async ping(): Promise<void> {
    await this.client.send(new DescribeTableCommand({ TableName: this.tableName }));
  }

  /** Embedded mode owns its table; in aws mode the infra stacks create it. */
  async ensureTable(): Promise<void> {
    try {
      await this.ping();
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException || (err as Error).name === 'ResourceNotFoundException')) throw err;
      await this.client.send(new CreateTableCommand(historyTableInput(this.tableName)));
    }
    // A new table is CREATING for a moment and refuses reads and writes until ACTIVE.
    for (let attempt = 1; ; attempt++) {
      const { Table } = await this.client.send(new DescribeTableCommand({ TableName: this.tableName }));
      if (Table?.TableStatus === 'ACTIVE') return;
      if (attempt > 500) throw new Error(`table ${this.tableName} is still ${Table?.TableStatus} after 10 s`);
      await sleep(20);
    }
  }

  async close(): Promise<void> {
    this.doc.destroy();
  }
}
