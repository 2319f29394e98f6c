import { formatSeq } from '@chat/protocol';
import type { AcceptedMessage, MessageStore, SequencedMessage } from '../ports';
import { isPermanent, type RetryPolicy } from './retry';

/** Rooms whose head stays in memory; a room used again after eviction reloads it from the store. */
const MAX_ROOMS = 2000;

/** The ids the sequencer knows stored (the acks' `KnownIds`): read to spot a repeat, told of every id it learns. */
export interface StoredIds {
  cached(room: string, id: string): string | undefined;
  remember(room: string, id: string, seq: string): void;
}

export interface Sequenced {
  /** Written now, in seq order: to publish. */
  stored: SequencedMessage[];
  /** Already stored before (a retry or redelivery): settled with their first seq, never written again. */
  repeats: { id: string; seq: string }[];
  /** Can never be written: left for the dead-letter queue. */
  refused: AcceptedMessage[];
}

/**
 * A room's numbering: gives a room's messages their seqs and stores them. The head is cached, but the store decides:
 * a seq another writer took means reload the head and number again; an id already stored is settled with its first
 * seq. So any number of servers (or one after a restart) can number one room without a gap, a duplicate or an
 * overwrite.
 */
export class RoomSequencer {
  /** room → its last seq as this server last saw it (another writer may be ahead); Map order is recency order. */
  private readonly heads = new Map<string, bigint | undefined>();

  constructor(
    private readonly store: MessageStore,
    private readonly ids: StoredIds,
  ) {}

  /** Store `messages` (one room, in queue order) after the room's last message; each backend call goes through `retry`. */
  async sequence(room: string, messages: AcceptedMessage[], retry: RetryPolicy): Promise<Sequenced> {
    this.touch(room);
    const out: Sequenced = { stored: [], repeats: [], refused: [] };
    // One sentAt per message for the whole call: a retried append sends the very same items.
    const sentAt = new Date().toISOString();
    let pending: AcceptedMessage[] = [];
    const claimed = new Set<string>();
    for (const m of messages) {
      const seq = this.ids.cached(room, m.id);
      if (seq !== undefined) out.repeats.push({ id: m.id, seq });
      else if (!claimed.has(m.id)) {
        claimed.add(m.id);
        pending.push(m);
      }
    }

    // After a refusal, one message per write, so only the unwritable one is left out.
    let oneByOne = false;
    let stalled = 0;
    while (pending.length > 0) {
      let head = this.heads.get(room);
      if (head === undefined) this.heads.set(room, (head = await retry.run('load room head', () => this.store.head(room))));
      const chunk = oneByOne ? pending.slice(0, 1) : pending;
      const planned: SequencedMessage[] = chunk.map((m, i) => ({ ...m, seq: formatSeq(head + BigInt(i + 1)), sentAt }));
      let result;
      try {
        result = await retry.run('store messages', () => this.store.append(room, planned));
      } catch (err) {
        if (!isPermanent(err)) throw err;
        if (chunk.length > 1) {
          oneByOne = true;
          continue;
        }
        out.refused.push(chunk[0]!);
        pending = pending.slice(1);
        continue;
      }
      if (result.ok) {
        this.heads.set(room, head + BigInt(planned.length));
        for (const m of planned) {
          this.ids.remember(room, m.id, m.seq);
          out.stored.push(m);
        }
        pending = pending.slice(planned.length);
        continue;
      }

      // Someone else wrote to this room: learn which of ours are stored already, and where the room ends now.
      const known = await retry.run('look up ids', () =>
        this.store.lookup(
          room,
          chunk.map((m) => m.id),
          { consistent: true },
        ),
      );
      for (const m of planned) {
        const seq = known.get(m.id);
        if (seq === undefined) continue;
        this.ids.remember(room, m.id, seq);
        // At the very seq we tried: our own earlier attempt was written (its answer was lost), so it is ours to deliver.
        if (seq === m.seq) out.stored.push(m);
        else out.repeats.push({ id: m.id, seq });
      }
      pending = pending.filter((m) => !known.has(m.id));
      const reloaded = await retry.run('load room head', () => this.store.head(room));
      this.heads.set(room, reloaded);
      if (known.size === 0 && reloaded === head) await retry.pause(++stalled);
      else stalled = 0;
    }
    return out;
  }

  /** Move the room to the end of the recency order; the least recent room's head is forgotten past MAX_ROOMS. */
  private touch(room: string): void {
    if (this.heads.has(room)) {
      const head = this.heads.get(room);
      this.heads.delete(room);
      this.heads.set(room, head);
    } else {
      if (this.heads.size >= MAX_ROOMS) this.heads.delete(this.heads.keys().next().value!);
      this.heads.set(room, undefined);
    }
  }
}
