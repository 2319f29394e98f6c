import { addressKey } from './address-key';
import type { LimitOutcome, Limiters, UnitLimit } from './limiter';

/** The table's capacity as the server spends it (config `store`). */
export interface StoreCapacity {
  /** Write units per second the table has (provisioned), or may use (on-demand ceiling). */
  writeUnits: number;
  readUnits: number;
  /** The most of either budget one room may take, so a busy room leaves the others their share. */
  roomSharePercent: number;
  /** The most of either budget one client address may take. */
  addressSharePercent: number;
  /**
   * Budgets are counted over this window: a burst may spend this many seconds' worth at once, as DynamoDB's burst
   * credit allows, and a refusal lasts at most this long.
   */
  windowSeconds: number;
}

/**
 * The table's capacity as a budget spent before the queue or the table is touched: a message or a history read that
 * would go past it is refused with `rate_limited` instead of being throttled by DynamoDB later, when the throttling
 * would hit everyone. Each charge is taken from its address's share, its room's share (writes), then the whole; a
 * refusal hands back what was taken before it.
 */
/** What a writer answers when the table's write budget refuses it. */
export const storageBudgetRefusal = (retryInSeconds: number) => ({
  ok: false as const,
  error: { code: 'rate_limited' as const, message: `the chat's storage budget is spent for now; retry in ${retryInSeconds} s` },
});

export class StoreBudget {
  private readonly writes: { address: UnitLimit; room: UnitLimit; table: UnitLimit };
  private readonly reads: { address: UnitLimit; table: UnitLimit };

  constructor(
    readonly capacity: StoreCapacity,
    limiters: Limiters,
    private readonly exempt: (address: string) => boolean,
  ) {
    const { writeUnits: w, readUnits: r, windowSeconds: window } = capacity;
    const share = (unitsPerSecond: number, percent: number) => Math.max(1, Math.floor((unitsPerSecond * window * percent) / 100));
    this.writes = {
      address: limiters.make('store-write-address', share(w, capacity.addressSharePercent), window),
      room: limiters.make('store-write-room', share(w, capacity.roomSharePercent), window),
      table: limiters.make('store-write', share(w, 100), window),
    };
    this.reads = {
      address: limiters.make('store-read-address', share(r, capacity.addressSharePercent), window),
      table: limiters.make('store-read', share(r, 100), window),
    };
  }

  /** Take `units` write units for a message from `address` to `room`, or say how long until they are there. */
  write(address: string, room: string, units: number): Promise<LimitOutcome> {
    return this.takeAll(
      [
        ...(this.exempt(address) ? [] : [{ limit: this.writes.address, key: addressKey(address) }]),
        { limit: this.writes.room, key: room },
        { limit: this.writes.table, key: 'table' },
      ],
      units,
    );
  }

  /** Take `units` read units up front for a read from `address` (the least it can cost). */
  read(address: string, units: number): Promise<LimitOutcome> {
    return this.takeAll(
      [
        ...(this.exempt(address) ? [] : [{ limit: this.reads.address, key: addressKey(address) }]),
        { limit: this.reads.table, key: 'table' },
      ],
      units,
    );
  }

  /** Charge what a read cost beyond what `read` took, once its size is known. */
  async readMore(address: string, units: number): Promise<void> {
    if (units <= 0) return;
    if (!this.exempt(address)) await this.reads.address.charge(addressKey(address), units);
    await this.reads.table.charge('table', units);
  }

  /**
   * Every part at once (with REDIS_URL each is a round trip, and this is on the message path: one wait, not three);
   * if any refuses, the parts that took their units give them back.
   */
  private async takeAll(parts: { limit: UnitLimit; key: string }[], units: number): Promise<LimitOutcome> {
    const outcomes = await Promise.all(parts.map((p) => p.limit.take(p.key, units)));
    const refusals = outcomes.filter((o): o is Extract<LimitOutcome, { ok: false }> => !o.ok);
    if (refusals.length === 0) return { ok: true };
    await Promise.all(parts.filter((_, i) => outcomes[i]!.ok).map((p) => p.limit.give(p.key, units)));
    return { ok: false, retryInSeconds: Math.max(...refusals.map((r) => r.retryInSeconds)) };
  }
}
