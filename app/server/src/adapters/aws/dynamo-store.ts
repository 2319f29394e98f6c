import { createHash } from 'node:crypto';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { UnwritableMessage, type AppendResult, type HistoryPage, type MessageStore, type SequencedMessage } from '../../ports';
import { backoffDelay, sleep } from '../../util/backoff';
import { ID_PREFIX, ID_RECORD_TTL_ATTRIBUTE } from './table-shape';

const MAX_GET_BATCH = 100;
/** TransactWriteItems' limit. */
const MAX_TRANSACT_ITEMS = 100;

interface QueuedAppend {
  room: string;
  messages: SequencedMessage[];
  items: Record<string, unknown>[];
  resolve: (result: AppendResult) => void;
  reject: (err: unknown) => void;
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
    ...(i['replyTo'] !== undefined ? { replyTo: String(i['replyTo']) } : {}),
    ...(i['editedAt'] !== undefined ? { editedAt: String(i['editedAt']) } : {}),
    ...(i['authorId'] !== undefined ? { authorId: String(i['authorId']) } : {}),
  };
}

interface CancellationReason {
  Code?: string;
  Message?: string;
  Item?: Record<string, unknown>;
}

/**
 * History in DynamoDB, one table: a message is the item (room, seq) — zero-padded, so string order is message
 * order — and its id record is the item (room, `id#<id>`) holding that seq, with a TTL. Both are written in one
 * TransactWriteItems, each on condition that it does not exist: two writers can never share a seq or an id.
 */
export class DynamoStore implements MessageStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    /** How long an id record is kept (its TTL). */
    private readonly idempotencySeconds: number,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async head(room: string): Promise<bigint> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#room = :room AND #seq < :ids',
        ExpressionAttributeNames: { '#room': 'room', '#seq': 'seq' },
        ExpressionAttributeValues: { ':room': room, ':ids': ID_PREFIX },
        ProjectionExpression: '#seq',
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const seq = out.Items?.[0]?.['seq'];
    return seq === undefined ? 0n : BigInt(String(seq));
  }

  async lookup(room: string, ids: string[], opts: { consistent?: boolean } = {}): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += MAX_GET_BATCH) {
      let keys: Record<string, unknown>[] = unique.slice(i, i + MAX_GET_BATCH).map((id) => ({ room, seq: ID_PREFIX + id }));
      for (let attempt = 1; keys.length > 0; attempt++) {
        const out = await this.doc.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: keys,
                ConsistentRead: opts.consistent ?? false,
                ProjectionExpression: '#seq, msgSeq',
                ExpressionAttributeNames: { '#seq': 'seq' },
              },
            },
          }),
        );
        for (const item of out.Responses?.[this.tableName] ?? [])
          found.set(String(item['seq']).slice(ID_PREFIX.length), String(item['msgSeq']));
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        if (keys.length === 0) break;
        // Throttled: DynamoDB hands back the keys it did not read; wait a little and ask only for those.
        if (attempt >= 8) throw new Error(`DynamoDB left ${keys.length} reads unprocessed after ${attempt} attempts`);
        await sleep(backoffDelay(attempt, 50, 1000));
      }
    }
    return found;
  }

  /**
   * Appends made in the same turn of the event loop (the rooms of one receive) go out as one TransactWriteItems, up
   * to its 100 items: one request, one signed call, instead of one per room. A merged write that fails wrote nothing
   * (or, after a lost answer, everything): each room is then written again on its own, which tells whose conflict it
   * was exactly as a write of that room alone would.
   */
  append(room: string, messages: SequencedMessage[]): Promise<AppendResult> {
    if (messages.length === 0) return Promise.resolve({ ok: true });
    return new Promise((resolve, reject) => {
      this.queued.push({ room, messages, items: this.itemsOf(room, messages), resolve, reject });
      if (this.queued.length === 1) setImmediate(() => this.flushAppends());
    });
  }

  private queued: QueuedAppend[] = [];

  private flushAppends(): void {
    let group: QueuedAppend[] = [];
    let items = 0;
    for (const a of this.queued.splice(0)) {
      if (group.length > 0 && items + a.items.length > MAX_TRANSACT_ITEMS) {
        void this.writeMerged(group);
        group = [];
        items = 0;
      }
      group.push(a);
      items += a.items.length;
    }
    if (group.length > 0) void this.writeMerged(group);
  }

  private async writeMerged(group: QueuedAppend[]): Promise<void> {
    const alone = (a: QueuedAppend) => this.writeRoom(a.room, a.messages, a.items).then(a.resolve, a.reject);
    if (group.length === 1) return alone(group[0]!);
    try {
      await this.transact(group.flatMap((a) => a.items));
    } catch {
      await Promise.all(group.map(alone));
      return;
    }
    for (const a of group) a.resolve({ ok: true });
  }

  /** A message's row and its id record, each written only if it does not exist. */
  private itemsOf(room: string, messages: SequencedMessage[]): Record<string, unknown>[] {
    return messages.flatMap((m) => [
      {
        room,
        seq: m.seq,
        id: m.id,
        author: m.author,
        text: m.text,
        imageKey: m.imageKey,
        sentAt: m.sentAt,
        deleteHash: m.deleteHash,
        replyTo: m.replyTo,
        authorId: m.authorId,
      },
      // Derived from sentAt, not the clock: a retried call sends identical items, as its request token requires.
      {
        room,
        seq: ID_PREFIX + m.id,
        msgSeq: m.seq,
        [ID_RECORD_TTL_ATTRIBUTE]: Math.floor(Date.parse(m.sentAt) / 1000) + this.idempotencySeconds,
      },
    ]);
  }

  private async transact(items: Record<string, unknown>[]): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        // The same write retried after a timeout within 10 minutes is answered as the first one was.
        ClientRequestToken: createHash('sha256').update(JSON.stringify(items)).digest('hex').slice(0, 36),
        TransactItems: items.map((Item) => ({
          Put: {
            TableName: this.tableName,
            Item,
            ConditionExpression: 'attribute_not_exists(#seq)',
            ExpressionAttributeNames: { '#seq': 'seq' },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        })),
      }),
    );
  }

  /** One room's messages in a transaction of their own; a failed condition is answered as a conflict. */
  private async writeRoom(room: string, messages: SequencedMessage[], items: Record<string, unknown>[]): Promise<AppendResult> {
    try {
      await this.transact(items);
      return { ok: true };
    } catch (err) {
      const e = err as { name?: string; message?: string; CancellationReasons?: CancellationReason[] };
      if (e.name === 'IdempotentParameterMismatchException') return { ok: false, conflict: { kind: 'seq_taken', seq: messages[0]!.seq } };
      if (e.name === 'ValidationException' && /size|length/i.test(e.message ?? ''))
        throw new UnwritableMessage(e.message ?? 'item too large');
      if (e.name !== 'TransactionCanceledException' || !e.CancellationReasons) throw err;
      return this.conflict(room, messages, e.CancellationReasons, err);
    }
  }

  /** Which condition failed: an id already stored settles a retry, so it is reported before a taken seq. */
  private async conflict(room: string, messages: SequencedMessage[], reasons: CancellationReason[], err: unknown): Promise<AppendResult> {
    if (reasons.some((r) => r.Code === 'ValidationError'))
      throw new UnwritableMessage(reasons.find((r) => r.Code === 'ValidationError')?.Message ?? 'refused');
    // Anything else (TransactionConflict, throttling, capacity) is transient: the caller retries.
    if (!reasons.some((r) => r.Code === 'ConditionalCheckFailed')) throw err;
    for (let i = 1; i < reasons.length; i += 2) {
      if (reasons[i]?.Code !== 'ConditionalCheckFailed') continue;
      const m = messages[(i - 1) / 2]!;
      // The reason's Item is in DynamoDB's wire form ({ S: … }): the document client does not convert errors.
      const old = reasons[i]!.Item?.['msgSeq'] as { S?: string } | string | undefined;
      const seq = (typeof old === 'object' ? old.S : old) ?? (await this.lookup(room, [m.id], { consistent: true })).get(m.id);
      if (seq !== undefined) return { ok: false, conflict: { kind: 'id_known', id: m.id, seq: String(seq) } };
    }
    const taken = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
    return { ok: false, conflict: { kind: 'seq_taken', seq: messages[Math.floor(taken / 2)]!.seq } };
  }

  async page(room: string, limit: number, before?: string, opts: { consistent?: boolean } = {}): Promise<HistoryPage> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#room = :room AND #seq < :before',
        ExpressionAttributeNames: { '#room': 'room', '#seq': 'seq' },
        // A seq is digits, below the id records' prefix.
        ExpressionAttributeValues: { ':room': room, ':before': before ?? ID_PREFIX },
        ScanIndexForward: false,
        // One more than asked tells whether an older page exists, without an empty last page.
        Limit: limit + 1,
        ConsistentRead: opts.consistent ?? true,
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

  async close(): Promise<void> {
    this.doc.destroy();
  }
}
