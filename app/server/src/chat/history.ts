import { formatSeq, historyQuerySchema, parseWith, type HistoryResponse, type ErrorBody } from '@chat/protocol';
import type { StoreBudget } from '../limits/store-budget';
import { pageReadUnits } from '../limits/store-units';
import type { HistoryPage, MessageReactions, MessageStore } from '../ports';
import { withTimeout } from '../util/timeout';
import type { ImageUrl } from './image-links';
import { toWire } from './wire';

type Outcome = { ok: true; value: HistoryResponse } | { ok: false; error: ErrorBody };

class BudgetSpent extends Error {
  override name = 'BudgetSpent';
  constructor(readonly retryInSeconds: number) {
    super('the read budget is spent');
  }
}

/** How long the newest page of a room is answered from memory: every client opening the room asks for it at once. */
const NEWEST_PAGE_CACHE_MS = 1000;
/** Newest pages kept at most (rooms × page sizes); past it, expired ones are dropped. */
const MAX_CACHED_PAGES = 1000;

/**
 * `GET /history`: the newest page of a room (or the page before `before`), oldest → newest. The newest page is read
 * consistently (it must hold every acknowledged message), once for all the requests that want it within
 * NEWEST_PAGE_CACHE_MS, and forgotten as soon as a message is stored or deleted in its room. A page before a seq never
 * gains messages, so it is read eventually consistent, at half the read units. Store reads are charged to the
 * table's read budget when there is one. Reaction counts (and the asking person's own) are read for each answer: they
 * change without a new message, and `mine` is per person.
 */
export class History {
  private readonly newest = new Map<string, { at: number; page: Promise<HistoryPage> }>();

  constructor(
    private readonly store: MessageStore,
    private readonly reactions: MessageReactions,
    private readonly opts: { imageUrl: ImageUrl; timeoutMs: number; budget?: StoreBudget | undefined },
  ) {}

  /** A message was stored or deleted in `room`: its newest page is no longer the newest. */
  forget(room: string): void {
    for (const key of this.newest.keys()) if (key.startsWith(`${room}\n`)) this.newest.delete(key);
  }

  /** Every room's newest page: the notices that would have said which rooms changed may have been lost. */
  forgetAll(): void {
    this.newest.clear();
  }

  /**
   * `from.person`: the signed-in user, else the query's `clientId`, whose own reactions are marked; `from.mayRead`:
   * signed in, whether they may read the room (an error when not), asked before anything is read.
   */
  async read(
    query: unknown,
    from: { address: string; person?: string; mayRead?: (room: string) => Promise<ErrorBody | undefined> } = { address: 'unknown' },
  ): Promise<Outcome> {
    const parsed = parseWith(historyQuerySchema, query);
    if (!parsed.ok) return parsed;
    const { room, limit, before, clientId } = parsed.value;
    const refused = await from.mayRead?.(room);
    if (refused) return { ok: false, error: refused };
    const person = from.person ?? clientId;
    const deadline = Date.now() + this.opts.timeoutMs;
    let page: HistoryPage;
    try {
      page =
        before === undefined
          ? await this.newestPage(room, limit, from.address)
          : // Clients may send a seq without its zero padding; the store compares strings.
            await this.fetch(room, limit, formatSeq(BigInt(before)), false, from.address);
    } catch (err) {
      if (!(err instanceof BudgetSpent)) throw err;
      return {
        ok: false,
        error: { code: 'rate_limited', message: `the chat's read budget is spent for now; retry in ${err.retryInSeconds} s` },
      };
    }
    const live = page.messages.filter((m) => m.deletedAt === undefined).map((m) => m.seq);
    const reactions = await withTimeout(this.reactions.summaries(room, live, person), Math.max(1, deadline - Date.now()), 'history');
    const messages = page.messages
      .map((m) => {
        const wire = toWire(m, this.opts.imageUrl);
        const r = reactions.get(m.seq);
        if (r && Object.keys(r.counts).length > 0) wire.reactions = r.counts;
        if (r && r.mine.length > 0) wire.myReactions = r.mine;
        return wire;
      })
      .reverse();
    return { ok: true, value: { messages, nextBefore: page.more && messages.length > 0 ? messages[0]!.seq : null } };
  }

  /** The cached newest page, or one read shared with every request that comes while it is being read. */
  private newestPage(room: string, limit: number, address: string): Promise<HistoryPage> {
    const key = `${room}\n${limit}`;
    const cached = this.newest.get(key);
    if (cached && Date.now() - cached.at < NEWEST_PAGE_CACHE_MS) return cached.page;
    const reading = this.fetch(room, limit, undefined, true, address);
    this.remember(key, reading);
    return reading;
  }

  /**
   * A store read, charged to the read budget: the least it can cost (one unit) before the store is asked, the rest
   * once its size is known. Rejects with BudgetSpent when the budget refuses.
   */
  private async fetch(room: string, limit: number, before: string | undefined, consistent: boolean, address: string): Promise<HistoryPage> {
    const outcome = await this.opts.budget?.read(address, 1);
    if (outcome && !outcome.ok) throw new BudgetSpent(outcome.retryInSeconds);
    const page = await withTimeout(this.store.page(room, limit, before, { consistent }), this.opts.timeoutMs, 'history');
    await this.opts.budget?.readMore(address, pageReadUnits(page.messages, consistent) - 1);
    return page;
  }

  private remember(key: string, page: Promise<HistoryPage>): void {
    // Shared while it is being read, however long that takes; then for NEWEST_PAGE_CACHE_MS.
    const entry = { at: Infinity, page };
    this.newest.set(key, entry);
    page.then(
      () => (entry.at = Date.now()),
      // A failed read is not an answer to reuse.
      () => this.newest.get(key) === entry && this.newest.delete(key),
    );
    if (this.newest.size > MAX_CACHED_PAGES) {
      const now = Date.now();
      for (const [k, e] of this.newest) if (now - e.at >= NEWEST_PAGE_CACHE_MS) this.newest.delete(k);
    }
  }
}
