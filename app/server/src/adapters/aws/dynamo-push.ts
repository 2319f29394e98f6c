import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { PushLevel } from '@chat/protocol';
import type { PushSubscriptions, PushTarget } from '../../ports';
import { PUSH_KEY_PREFIX, PUSH_REGISTRY_PARTITION } from './table-shape';

const keyOf = (endpoint: string) => PUSH_KEY_PREFIX + createHash('sha256').update(endpoint).digest('hex');
/** TransactWriteItems takes at most 100 items: a subscription's old rooms, its new ones and its registry item. */
const MAX_TRANSACT = 100;

/**
 * Web Push subscriptions in the history table (keys in table-shape.ts): a subscribe or unsubscribe rewrites the
 * subscription's room items and its registry item in one transaction.
 */
export class DynamoPush implements PushSubscriptions {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async put(target: PushTarget, rooms: Record<string, PushLevel>): Promise<void> {
    const seq = keyOf(target.endpoint);
    const old = await this.roomsOf(seq);
    const items = [
      ...old.filter((room) => !(room in rooms)).map((room) => ({ Delete: { TableName: this.tableName, Key: { room, seq } } })),
      ...Object.entries(rooms).map(([room, level]) => ({
        Put: { TableName: this.tableName, Item: { room, seq, level, target: JSON.stringify(target) } },
      })),
      { Put: { TableName: this.tableName, Item: { room: PUSH_REGISTRY_PARTITION, seq, rooms: Object.keys(rooms) } } },
    ];
    if (items.length > MAX_TRANSACT) throw new Error(`a subscription with ${items.length} changes is over DynamoDB's transaction size`);
    await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
  }

  async remove(endpoint: string): Promise<void> {
    const seq = keyOf(endpoint);
    const rooms = await this.roomsOf(seq);
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [...rooms, PUSH_REGISTRY_PARTITION].map((room) => ({ Delete: { TableName: this.tableName, Key: { room, seq } } })),
      }),
    );
  }

  async forRoom(room: string): Promise<(PushTarget & { level: PushLevel })[]> {
    const out: (PushTarget & { level: PushLevel })[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#room = :room AND begins_with(#seq, :prefix)',
          ExpressionAttributeNames: { '#room': 'room', '#seq': 'seq' },
          ExpressionAttributeValues: { ':room': room, ':prefix': PUSH_KEY_PREFIX },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? [])
        out.push({ ...(JSON.parse(String(item['target'])) as PushTarget), level: item['level'] as PushLevel });
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  private async roomsOf(seq: string): Promise<string[]> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { room: PUSH_REGISTRY_PARTITION, seq }, ConsistentRead: true }),
    );
    return (out.Item?.['rooms'] as string[] | undefined) ?? [];
  }

  async close(): Promise<void> {
    this.doc.destroy();
  }
}
