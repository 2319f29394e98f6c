import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { MessageReactions, ReactionSummary } from '../../ports';
import { SummaryCollector } from '../reaction-summaries';
import { REACTION_COUNT_KEY_PREFIX, REACTION_COUNT_PREFIX, REACTION_PERSON_KEY_PREFIX, REACTION_VERSION_ATTRIBUTE } from './table-shape';

const countKey = (seq: string) => REACTION_COUNT_KEY_PREFIX + seq;
const personPrefix = (person: string) => `${REACTION_PERSON_KEY_PREFIX}${person}#`;
const personKey = (person: string, seq: string, emoji: string) => `${personPrefix(person)}${seq}#${emoji}`;

/** Whether a transaction was cancelled because the person's record already was (or was not) there. */
function recordConditionFailed(err: unknown): boolean {
  const e = err as { name?: string; CancellationReasons?: { Code?: string }[] };
  return e.name === 'TransactionCanceledException' && e.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
}

/**
 * Reactions in the history table (keys in table-shape.ts). A toggle is one TransactWriteItems: the person's record,
 * put only if absent (or deleted only if present), and ADD ±1 to the message's count; a repeat fails the condition and
 * changes nothing, so retries and concurrent toggles of one person never count twice.
 */
export class DynamoReactions implements MessageReactions {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async set(room: string, seq: string, person: string, emoji: string, on: boolean): Promise<ReactionSummary & { changed: boolean }> {
    const record = { room, seq: personKey(person, seq, emoji) };
    let changed = true;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            on
              ? {
                  Put: {
                    TableName: this.tableName,
                    Item: { ...record, emoji },
                    ConditionExpression: 'attribute_not_exists(#seq)',
                    ExpressionAttributeNames: { '#seq': 'seq' },
                  },
                }
              : {
                  Delete: {
                    TableName: this.tableName,
                    Key: record,
                    ConditionExpression: 'attribute_exists(#seq)',
                    ExpressionAttributeNames: { '#seq': 'seq' },
                  },
                },
            {
              Update: {
                TableName: this.tableName,
                Key: { room, seq: countKey(seq) },
                UpdateExpression: 'ADD #n :d, #v :one',
                ExpressionAttributeNames: { '#n': REACTION_COUNT_PREFIX + emoji, '#v': REACTION_VERSION_ATTRIBUTE },
                ExpressionAttributeValues: { ':d': on ? 1 : -1, ':one': 1 },
              },
            },
          ],
        }),
      );
    } catch (err) {
      if (!recordConditionFailed(err)) throw err;
      changed = false;
    }
    const [count, mine] = await Promise.all([this.countItem(room, seq), this.mine(room, person, seq, seq)]);
    return { counts: countsOf(count), version: versionOf(count), mine: mine.get(seq) ?? [], changed };
  }

  async summaries(room: string, seqs: string[], person?: string): Promise<Map<string, ReactionSummary>> {
    const c = new SummaryCollector(seqs);
    if (!c.range) return c.out;
    const { lo, hi } = c.range;
    for (const item of await this.query(room, countKey(lo), countKey(hi))) {
      const entry = c.entry(String(item['seq']).slice(REACTION_COUNT_KEY_PREFIX.length));
      if (entry) Object.assign(entry, { counts: countsOf(item), version: versionOf(item) });
    }
    if (person !== undefined)
      for (const [seq, mine] of await this.mine(room, person, lo, hi)) {
        const entry = c.entry(seq);
        if (entry) entry.mine = mine;
      }
    return c.out;
  }

  private async countItem(room: string, seq: string): Promise<Record<string, unknown>> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { room, seq: countKey(seq) }, ConsistentRead: true }));
    return out.Item ?? {};
  }

  /** seq → the person's emoji, for seqs from `lo` to `hi`. */
  private async mine(room: string, person: string, lo: string, hi: string): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    // `$` sorts after `#`: the upper bound takes in every emoji of `hi`.
    for (const item of await this.query(room, personKey(person, lo, ''), `${personPrefix(person)}${hi}$`)) {
      const seq = String(item['seq']).slice(personPrefix(person).length).split('#')[0]!;
      out.set(seq, [...(out.get(seq) ?? []), String(item['emoji'])]);
    }
    return out;
  }

  private async query(room: string, from: string, to: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#room = :room AND #seq BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#room': 'room', '#seq': 'seq' },
          ExpressionAttributeValues: { ':room': room, ':from': from, ':to': to },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async close(): Promise<void> {
    this.doc.destroy();
  }
}

const versionOf = (item: Record<string, unknown>) => Number(item[REACTION_VERSION_ATTRIBUTE] ?? 0);

/** The count item's emoji counts, leaving out those back at 0. */
function countsOf(item: Record<string, unknown>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [name, value] of Object.entries(item))
    if (name.startsWith(REACTION_COUNT_PREFIX) && Number(value) > 0) counts[name.slice(REACTION_COUNT_PREFIX.length)] = Number(value);
  return counts;
}
