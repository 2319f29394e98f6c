import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MessageDeletes, SequencedMessage } from '../../ports';
import { messageOfItem } from './dynamo-store';

/**
 * Deleting a message in the DynamoDB history: one conditional UpdateItem (the row must exist and not be deleted
 * yet) that removes the text and image key and sets `deletedAt`, so two deletes at once change the row once.
 */
export class DynamoDeletes implements MessageDeletes {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async find(room: string, seq: string): Promise<SequencedMessage | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { room, seq }, ConsistentRead: true }));
    return out.Item ? messageOfItem(out.Item) : undefined;
  }

  async markDeleted(
    room: string,
    seq: string,
    deletedAt: string,
  ): Promise<{ before: SequencedMessage; after: SequencedMessage } | undefined> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { room, seq },
          // `text` is a DynamoDB reserved word: every name goes through a placeholder.
          UpdateExpression: 'SET #deletedAt = :deletedAt REMOVE #text, #imageKey',
          ConditionExpression: 'attribute_exists(#seq) AND attribute_not_exists(#deletedAt)',
          ExpressionAttributeNames: { '#deletedAt': 'deletedAt', '#text': 'text', '#imageKey': 'imageKey', '#seq': 'seq' },
          ExpressionAttributeValues: { ':deletedAt': deletedAt },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const before = messageOfItem(out.Attributes ?? {});
      const { text: _text, imageKey: _imageKey, ...kept } = before;
      return { before, after: { ...kept, deletedAt } };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException')) throw err;
      // Not there, or deleted already (idempotent): which one, a consistent read tells.
      const row = await this.find(room, seq);
      return row ? { before: row, after: row } : undefined;
    }
  }

  async close(): Promise<void> {
    this.doc.destroy();
  }
}
