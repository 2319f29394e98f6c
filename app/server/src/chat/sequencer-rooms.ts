import { formatSeq } from '@chat/protocol';
import type { AcceptedMessage, MessageStore, SequencedMessage } from '../ports';
import { isPermanent, type RetryPolicy } from './sequencer-retry';

/** How many of a room's latest ids are cached to answer a retry without a read. */
const CACHED_IDS_PER_ROOM = 200;
/** Rooms whose state stays in memory; a room used again after eviction reloads from the store. */
const MAX_ROOMS = 2000;

interface RoomState {
  /** The room's last seq as this server last saw it; undefined until loaded. Another writer may be ahead. */
  head: bigint | undefined;
  /** id → seq of stored messages, oldest first: a cache of the store's id records. */
  ids: Map<string, string>;
}

export interface Sequenced {
  /** Written now, in seq order: to broadcast. */
  stored: SequencedMessage[];
  /** Already stored before (a retry or redelivery): settled with their first seq, never broadcast again. */
  repeats: { id: string; seq: string }[];
  /** Can never be written: left for the dead-letter queue. */
  refused: AcceptedMessage[];
}

/**
 * Gives a room's messages their seqs and stores them. The head is cached, but the store decides: a seq another writer
 * took means reload the head and number again; an id already stored is settled with its first seq. So any number of
 * servers (or one after a restart) can sequence one room without a gap, a duplicate or an overwrite.
 */
export class RoomSequencer {
  private readonly rooms = new Map<string, RoomState>();

  constructor(private readonly store: MessageStore) {}

  /** The seq `id` has in the room, if this server stored or saw it lately (no backend call). */
  cached(room: string, id: string): string | undefined {
    return this.rooms.get(room)?.ids.get(id);
  }

  /**
   * The seq `id` already has in the room, if it is stored: from the cache, else from the store's id records. One
   * look-up per room is in flight at a time; the ids asked meanwhile go together in the next (a burst of sends costs
   * a few reads, not one each).
   */
  known(room: string, id: string): Promise<string | undefined> {
    const cached = this.cached(room, id);
    if (cached !== undefined) return Promise.resolve(cached);
    return new Promise((resolve, reject) => {
      let ids = this.lookups.get(room);
      if (!ids) this.lookups.set(room, (ids = new Map()));
      let waiting = ids.get(id);
      if (!waiting) ids.set(id, (waiting = []));
      waiting.push({ resolve, reject });
      if (!this.lookingUp.has(room)) {
        this.lookingUp.add(room);
        setImmediate(() => this.lookUp(room));
      }
    });
  }

  private readonly lookups = new Map<
    string,
    Map<string, { resolve: (seq: string | undefined) => void; reject: (err: unknown) => void }[]>
  >();
  private readonly lookingUp = new Set<string>();

  private lookUp(room: string): void {
    const ids = this.lookups.get(room);
    this.lookups.delete(room);
    if (!ids) {
      this.lookingUp.delete(room);
      return;
    }
    this.store
      .lookup(room, [...ids.keys()])
      .then(
        (found) => {
          for (const [id, waiting] of ids) {
            const seq = found.get(id);
            if (seq !== undefined) remember(this.state(room), id, seq);
            for (const w of waiting) w.resolve(seq);
          }
        },
        (err: unknown) => {
          for (const waiting of ids.values()) for (const w of waiting) w.reject(err);
        },
      )
      .finally(() => this.lookUp(room));
  }

  /** Store `messages` (one room, in queue order) after the room's last message; each backend call goes through `retry`. */
  async sequence(room: string, messages: AcceptedMessage[], retry: RetryPolicy): Promise<Sequenced> {
    const state = this.state(room);
    const out: Sequenced = { stored: [], repeats: [], refused: [] };
    // One sentAt per message for the whole call: a retried append sends the very same items.
    const sentAt = new Date().toISOString();
    let pending: AcceptedMessage[] = [];
    const claimed = new Set<string>();
    for (const m of messages) {
      const seq = state.ids.get(m.id);
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
      if (state.head === undefined) state.head = await retry.run('load room head', () => this.store.head(room));
      const head = state.head;
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
        state.head = head + BigInt(planned.length);
        for (const m of planned) {
          remember(state, m.id, m.seq);
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
        remember(state, m.id, seq);
        // At the very seq we tried: our own earlier attempt was written (its answer was lost), so it is ours to deliver.
        if (seq === m.seq) out.stored.push(m);
        else out.repeats.push({ id: m.id, seq });
      }
      pending = pending.filter((m) => !known.has(m.id));
      state.head = await retry.run('load room head', () => this.store.head(room));
      if (known.size === 0 && state.head === head) await retry.pause(++stalled);
      else stalled = 0;
    }
    return out;
  }

  private state(room: string): RoomState {
    let state = this.rooms.get(room);
    if (state) {
      // Map order is recency order: move this room to the end.
      this.rooms.delete(room);
    } else {
      if (this.rooms.size >= MAX_ROOMS) this.rooms.delete(this.rooms.keys().next().value!);
      state = { head: undefined, ids: new Map() };
    }
    this.rooms.set(room, state);
    return state;
  }
}

function remember(state: RoomState, id: string, seq: string): void {
  state.ids.delete(id);
  state.ids.set(id, seq);
  if (state.ids.size > CACHED_IDS_PER_ROOM) state.ids.delete(state.ids.keys().next().value!);
}
