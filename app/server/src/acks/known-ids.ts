import type { MessageStore } from '../ports';

/** How many of a room's latest ids are cached to answer a retry without a read. */
const CACHED_IDS_PER_ROOM = 200;
/** Rooms whose ids stay in memory; a room used again after eviction asks the store. */
const MAX_ROOMS = 2000;

interface Waiting {
  resolve: (seq: string | undefined) => void;
  reject: (err: unknown) => void;
}

/**
 * The seqs of message ids this server knows: a cache of the latest ids it stored or looked up per room, in front of
 * the store's id records. The consumer fills it as it stores; the send use case reads it to answer a retry.
 */
export class KnownIds {
  /** room → (id → seq), oldest first; Map order of rooms is recency order. */
  private readonly rooms = new Map<string, Map<string, string>>();
  /** room → ids asked while that room's look-up is in flight: they go together in the next one. */
  private readonly lookups = new Map<string, Map<string, Waiting[]>>();
  private readonly lookingUp = new Set<string>();

  constructor(private readonly store: Pick<MessageStore, 'lookup'>) {}

  /** The seq `id` has in the room, if this server stored or saw it lately (no backend call). */
  cached(room: string, id: string): string | undefined {
    return this.rooms.get(room)?.get(id);
  }

  /** `id` is stored at `seq` in the room. */
  remember(room: string, id: string, seq: string): void {
    const ids = this.room(room);
    ids.delete(id);
    ids.set(id, seq);
    if (ids.size > CACHED_IDS_PER_ROOM) ids.delete(ids.keys().next().value!);
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
            if (seq !== undefined) this.remember(room, id, seq);
            for (const w of waiting) w.resolve(seq);
          }
        },
        (err: unknown) => {
          for (const waiting of ids.values()) for (const w of waiting) w.reject(err);
        },
      )
      .finally(() => this.lookUp(room));
  }

  /** The room's ids, moved to the end of the recency order; the least recent room is forgotten past MAX_ROOMS. */
  private room(room: string): Map<string, string> {
    let ids = this.rooms.get(room);
    if (ids) this.rooms.delete(room);
    else {
      if (this.rooms.size >= MAX_ROOMS) this.rooms.delete(this.rooms.keys().next().value!);
      ids = new Map();
    }
    this.rooms.set(room, ids);
    return ids;
  }
}
