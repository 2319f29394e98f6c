import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EditResult, MessageEdits } from '../../ports';
import { nextEditedAt } from '../edit-time';
import { messageOfItem } from './dynamo-store';

/** A busy message's edits race; each lost race rereads the row. Past this many, the caller hears `unavailable`. */
const MAX_ATTEMPTS = 10;

const conditionFailed = (err: unknown) =>
  err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException';

/**
 * Editing a message in the DynamoDB history: read the row, then one conditional UpdateItem on the `editedAt` that
 * was read (and the row not deleted). Two servers editing at once: one write wins, the other rereads and goes after
 * it with a later `editedAt`, so the table holds one order of edits.
 */
export class DynamoEdits implements MessageEdits {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async edit(room: string, seq: string, text: string, at: Date): Promise<EditResult> {
    for (let attempt = 1; ; attempt++) {
      const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { room, seq }, ConsistentRead: true }));
      if (!out.Item) return { ok: false, reason: 'not_found' };
      const row = messageOfItem(out.Item);
      if (row.deletedAt !== undefined) return { ok: false, reason: 'deleted', row };
      if (row.text === undefined) return { ok: false, reason: 'not_text', row };
      if (row.text === text) return { ok: true, row, changed: false };
      const editedAt = nextEditedAt(row.editedAt, at);
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { room, seq },
            UpdateExpression: 'SET #text = :text, #editedAt = :editedAt',
            ConditionExpression:
              'attribute_exists(#text) AND attribute_not_exists(#deletedAt) AND ' +
              (row.editedAt === undefined ? 'attribute_not_exists(#editedAt)' : '#editedAt = :previous'),
            ExpressionAttributeNames: { '#text': 'text', '#editedAt': 'editedAt', '#deletedAt': 'deletedAt' },
            ExpressionAttributeValues: {
              ':text': text,
              ':editedAt': editedAt,
              ...(row.editedAt === undefined ? {} : { ':previous': row.editedAt }),
            },
          }),
        );
        return { ok: true, row: { ...row, text, editedAt }, changed: true };
      } catch (err) {
        if (!conditionFailed(err) || attempt >= MAX_ATTEMPTS) throw err;
        // Another edit (or a delete) came first: read again and decide again.
      }
    }
  }

  async close(): Promise<void> {
    this.doc.destroy();
  }
}
