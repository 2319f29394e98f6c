import { formatSeq } from '@chat/protocol';
import type { Logger } from '../logger';
import type { Delivery, MessageQueue, MessageStore, SequencedMessage } from '../ports';
import { backoffDelay, sleep } from '../util/backoff';
import { TimeoutError } from '../util/timeout';

/** How many of a room's latest ids are kept to recognise a retry or a redelivery. */
const RECENT_IDS_PER_ROOM = 200;
/** Rooms whose ledger stays in memory; a room used again after eviction reloads it from the store. */
const MAX_LEDGERS = 2000;
/** A write the backend refuses as malformed is tried this often before its messages are left to the dead-letter queue. */
const CLIENT_FAULT_ATTEMPTS = 3;

interface RoomLedger {
  last: bigint;
  /** id → seq of the room's recent messages, oldest first. */
  ids: Map<string, string>;
}

class Stopped extends Error {}
class GaveUp extends Error {}

/**
 * The queue's single consumer. It gives each message its room's next `seq`, stores it, then broadcasts it, so
 * every socket sees a room in the order history returns. It runs as a loop, not a timer: long-poll, handle,
 * delete, and poll again at once; when a backend fails it backs off with jitter and tries again.
 */
export class Sequencer {
  private readonly ledgers = new Map<string, Promise<RoomLedger>>();
  private readonly waiters = new Map<string, Set<(seq: string) => void>>();
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly queue: MessageQueue,
    private readonly store: MessageStore,
    private readonly broadcast: (message: SequencedMessage) => void,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  /** The seq a message id already has in this room, once it is stored. */
  async known(room: string, id: string): Promise<string | undefined> {
    return (await this.ledger(room)).ids.get(id);
  }

  /** Resolves with the message's seq once it is stored and broadcast; rejects after `ms`. */
  waitFor(room: string, id: string, ms: number): { done: Promise<string>; cancel: () => void } {
    const key = `${room}\n${id}`;
    let resolveFn!: (seq: string) => void;
    let timer: NodeJS.Timeout | undefined;
    const cancel = () => {
      clearTimeout(timer);
      const set = this.waiters.get(key);
      set?.delete(resolveFn);
      if (set?.size === 0) this.waiters.delete(key);
    };
    const done = new Promise<string>((resolve, reject) => {
      resolveFn = (seq) => {
        cancel();
        resolve(seq);
      };
      timer = setTimeout(() => {
        cancel();
        reject(new TimeoutError(`message ${id} was not stored within ${ms} ms`));
      }, ms);
      timer.unref();
      let set = this.waiters.get(key);
      if (!set) this.waiters.set(key, (set = new Set()));
      set.add(resolveFn);
    });
    return { done, cancel };
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    let failures = 0;
    while (!signal.aborted) {
      let batch: Delivery[];
      try {
        batch = await this.queue.receive(signal);
        failures = 0;
      } catch (err) {
        failures++;
        this.log.warn({ err, failures }, 'queue receive failed; backing off');
        await sleep(backoffDelay(failures), signal);
        continue;
      }
      if (batch.length === 0) continue;
      const done: string[] = [];
      try {
        await Promise.all(
          [...groupByRoom(batch)].map(async ([room, deliveries]) => {
            try {
              await this.sequenceRoom(room, deliveries);
              done.push(...deliveries.map((d) => d.receipt));
            } catch (err) {
              if (!(err instanceof GaveUp)) throw err;
              // Left in the queue: redelivered, and after the queue's maxReceiveCount moved to its dead-letter queue.
              this.log.error({ err, room, ids: deliveries.map((d) => d.message.id) }, 'messages refused by the store; left for the dead-letter queue');
            }
          }),
        );
      } catch (err) {
        if (err instanceof Stopped) return;
        throw err;
      }
      // Not deleting is safe (a redelivery is recognised by id), so a failed delete is only logged.
      if (done.length > 0) await this.queue.delete(done).catch((err) => this.log.warn({ err }, 'queue delete failed'));
    }
  }

  private async sequenceRoom(room: string, deliveries: Delivery[]): Promise<void> {
    let held!: Promise<RoomLedger>;
    const ledger = await this.retry(() => (held = this.ledger(room)), 'load room');
    const fresh: SequencedMessage[] = [];
    const repeats: { id: string; seq: string }[] = [];
    const claimed = new Set<string>();
    for (const { message } of deliveries) {
      const seq = ledger.ids.get(message.id);
      // Already stored: a retry or a redelivery. It was broadcast when it was stored; clients that were away catch
      // up from history, so it is never broadcast again (that would be a duplicate, out of order).
      if (seq) repeats.push({ id: message.id, seq });
      else if (!claimed.has(message.id)) {
        claimed.add(message.id);
        fresh.push({ ...message, seq: formatSeq(++ledger.last), sentAt: new Date().toISOString() });
      }
    }

    if (fresh.length > 0) await this.retry(() => this.store.putAll(fresh), 'store messages');
    // Evicted and reloaded while we wrote, the cached ledger may predate these writes: drop it, reload later.
    if (this.ledgers.get(room) !== held) this.ledgers.delete(room);

    for (const m of fresh) {
      remember(ledger, m.id, m.seq);
      this.broadcast(m);
      this.log.debug({ id: m.id, room, seq: m.seq }, 'message delivered');
      this.settle(room, m.id, m.seq);
    }
    for (const { id, seq } of repeats) this.settle(room, id, seq);
  }

  /** Answer the senders waiting for this message; also called when another server stored it (scale-out). */
  settle(room: string, id: string, seq: string): void {
    const set = this.waiters.get(`${room}\n${id}`);
    if (set) for (const resolve of [...set]) resolve(seq);
  }

  private ledger(room: string): Promise<RoomLedger> {
    let ledger = this.ledgers.get(room);
    if (ledger) {
      // Map order is recency order: move this room to the end.
      this.ledgers.delete(room);
      this.ledgers.set(room, ledger);
    } else {
      if (this.ledgers.size >= MAX_LEDGERS) this.ledgers.delete(this.ledgers.keys().next().value!);
      ledger = this.store.page(room, RECENT_IDS_PER_ROOM).then((page) => {
        const ids = new Map<string, string>();
        for (const m of [...page.messages].reverse()) ids.set(m.id, m.seq);
        return { last: BigInt(page.messages[0]?.seq ?? '0'), ids };
      });
      this.ledgers.set(room, ledger);
      // A failed load is forgotten, so the next message tries again.
      ledger.catch(() => this.ledgers.delete(room));
    }
    return ledger;
  }

  /**
   * Try until it works or the server stops: the queue holds the messages meanwhile, and senders time out on their
   * own. An error the backend blames on the request itself will not heal by waiting: after a few tries, give up.
   */
  private async retry<T>(fn: () => Promise<T>, what: string): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (this.stopping.signal.aborted) throw new Stopped();
      try {
        return await fn();
      } catch (err) {
        if (refusedAsMalformed(err) && attempt >= CLIENT_FAULT_ATTEMPTS) {
          throw new GaveUp(`${what}: ${(err as Error).message}`);
        }
        this.log.warn({ err, attempt }, `${what} failed; retrying`);
        await sleep(backoffDelay(attempt, 100, 2000), this.stopping.signal);
      }
    }
  }
}

/** The backend blames the request (not throttling, which passes): retrying the same write cannot succeed. */
function refusedAsMalformed(err: unknown): boolean {
  const e = err as { $fault?: string; name?: string };
  return e.$fault === 'client' && !/Throttl|ProvisionedThroughput|RequestLimit|LimitExceeded/.test(e.name ?? '');
}

function groupByRoom(batch: Delivery[]): Map<string, Delivery[]> {
  const rooms = new Map<string, Delivery[]>();
  for (const d of batch) {
    const list = rooms.get(d.message.room);
    if (list) list.push(d);
    else rooms.set(d.message.room, [d]);
  }
  return rooms;
}

function remember(ledger: RoomLedger, id: string, seq: string): void {
  ledger.ids.set(id, seq);
  if (ledger.ids.size > RECENT_IDS_PER_ROOM) ledger.ids.delete(ledger.ids.keys().next().value!);
}
