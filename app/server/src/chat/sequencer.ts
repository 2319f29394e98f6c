import { compareSeq } from '@chat/protocol';
import type { Logger } from '../logger';
import type { Delivery, MessageDeletes, MessageQueue, MessageStore, SequencedMessage } from '../ports';
import { backoffDelay, sleep } from '../util/backoff';
import { RoomLanes } from './sequencer-lanes';
import { RetryPolicy, Stopped } from './sequencer-retry';
import { RoomSequencer, type Sequenced } from './sequencer-rooms';
import { Waiters } from './sequencer-waiters';

export interface SequencerOptions {
  /** Received messages held at once (all rooms); the loop waits for a room to finish before receiving more. */
  maxHeld?: number;
  /** How often messages held longer than this are kept in flight, and by how much (the queue's visibility timeout). */
  heartbeatMs?: number;
  visibilitySeconds?: number;
  retry?: { baseMs?: number; capMs?: number };
  /**
   * How long the loop lets a batch's rooms finish before it receives again (see `run`). 0 for a queue whose waiting
   * receive wakes when a room unlocks (the embedded one): the loop then receives again at once, so other rooms'
   * messages are stored while this batch is, and a room's backlog comes in one receive, one append.
   */
  settleMs?: number;
}

/** While messages are held (a room retrying), receives wait at most this long, so a healed room is picked up soon. */
const HELD_WAIT_SECONDS = 1;

/**
 * The queue's consumer: receives, hands each room's messages to that room's lane (sequenced and stored in queue
 * order), then broadcasts, settles the senders and deletes them from the queue. It never waits for every room
 * before receiving again, so a room whose store keeps failing backs off alone — its messages kept in flight by a
 * heartbeat — while other rooms flow. At stop, what was received but not stored is released to the queue at once.
 *
 * A message is deleted from the queue only after its broadcast, so one that comes back (a redelivery: received
 * before) may have been stored by a receiver that stopped before broadcasting it — a crash, or a lost answer. Found
 * stored, it is broadcast again as stored, so a socket that stayed connected gets it: sometimes twice, with the same
 * id and seq, which clients tell apart by id.
 */
export class Sequencer {
  private readonly stopping = new AbortController();
  private readonly waiters = new Waiters();
  private readonly rooms: RoomSequencer;
  private readonly lanes = new RoomLanes();
  private readonly retry: RetryPolicy;
  /** receipt → when it was received, for every delivery not yet deleted or released. */
  private readonly held = new Map<string, number>();
  private readonly maxHeld: number;
  private readonly heartbeatMs: number;
  private readonly visibilitySeconds: number;
  private readonly settleMs: number;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly queue: MessageQueue,
    store: MessageStore,
    /** The stored rows a redelivery is broadcast again from (a deleted one is not broadcast again). */
    private readonly rows: Pick<MessageDeletes, 'find'>,
    private readonly broadcast: (message: SequencedMessage) => void,
    private readonly log: Logger,
    opts: SequencerOptions = {},
  ) {
    this.rooms = new RoomSequencer(store);
    this.retry = new RetryPolicy(this.stopping.signal, log, opts.retry);
    this.maxHeld = opts.maxHeld ?? 100;
    this.heartbeatMs = opts.heartbeatMs ?? 10_000;
    this.visibilitySeconds = opts.visibilitySeconds ?? 30;
    this.settleMs = opts.settleMs ?? 1000;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  /** The seq a message id has in this room if this server stored or saw it lately (no backend call). */
  cached(room: string, id: string): string | undefined {
    return this.rooms.cached(room, id);
  }

  /** The seq a message id already has in this room, once it is stored (cache, else the store's id records). */
  known(room: string, id: string): Promise<string | undefined> {
    return this.rooms.known(room, id);
  }

  /** Answer the senders waiting here for a message another server stored (scale-out: its stored notice). */
  settle(room: string, id: string, seq: string): void {
    this.waiters.settle(room, id, seq);
  }

  /** Resolves with the message's seq once it is stored (or found stored); rejects after `ms`. */
  waitFor(room: string, id: string, ms: number): { done: Promise<string>; cancel: () => void } {
    return this.waiters.wait(room, id, ms);
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    const heartbeat = setInterval(() => void this.keepInFlight(), this.heartbeatMs);
    heartbeat.unref();
    let failures = 0;
    try {
      while (!signal.aborted) {
        if (this.held.size >= this.maxHeld) {
          await this.lanes.whenAnySettles();
          continue;
        }
        // Not waiting for batches to settle: let the sends already read off the sockets reach the queue first, so
        // a turn carries what arrived together rather than one message each.
        if (this.settleMs === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        let batch: Delivery[];
        try {
          batch = await this.queue.receive(signal, this.held.size > 0 ? HELD_WAIT_SECONDS : undefined);
          failures = 0;
        } catch (err) {
          failures++;
          this.log.warn({ err, failures }, 'queue receive failed; backing off');
          await sleep(backoffDelay(failures), signal);
          continue;
        }
        const now = Date.now();
        for (const d of batch) this.held.set(d.receipt, now);
        const jobs = [...groupByRoom(batch)].map(([room, deliveries]) => this.lanes.run(room, () => this.handle(room, deliveries)));
        // Usually a batch is stored in a few ms: let it finish (and be deleted) before polling again, so the poll
        // does not find its rooms locked (moto, unlike SQS, does not wake a waiting poll when a group unlocks). A
        // room still retrying after that is left to its lane, and the loop goes on without it.
        if (jobs.length > 0 && this.settleMs > 0) await Promise.race([Promise.all(jobs), sleep(this.settleMs, signal)]);
      }
    } finally {
      clearInterval(heartbeat);
      await this.lanes.idle();
      await this.releaseHeld();
    }
  }

  /** One room's deliveries: sequence and store, then broadcast, settle and delete. */
  private async handle(room: string, deliveries: Delivery[]): Promise<void> {
    let result: Sequenced;
    let again: SequencedMessage[];
    try {
      result = await this.rooms.sequence(
        room,
        deliveries.map((d) => d.message),
        this.retry,
      );
      again = await this.storedBefore(room, result, deliveries);
    } catch (err) {
      // Stopped: left held, released when the loop ends.
      if (!(err instanceof Stopped)) this.log.error({ err, room }, 'sequencing failed; the messages return to the queue');
      if (!(err instanceof Stopped)) await this.release(deliveries.map((d) => d.receipt));
      return;
    }
    // Older seqs first: what is broadcast again was stored before anything stored now.
    for (const m of again) {
      this.broadcast(m);
      this.log.debug({ id: m.id, room, seq: m.seq }, 'redelivered message broadcast again');
    }
    for (const m of result.stored) {
      this.broadcast(m);
      this.log.debug({ id: m.id, room, seq: m.seq }, 'message delivered');
      this.waiters.settle(room, m.id, m.seq);
    }
    for (const { id, seq } of result.repeats) this.waiters.settle(room, id, seq);

    const refused = new Set(result.refused.map((m) => m.id));
    const done = deliveries.filter((d) => !refused.has(d.message.id)).map((d) => d.receipt);
    const left = deliveries.filter((d) => refused.has(d.message.id)).map((d) => d.receipt);
    if (left.length > 0) {
      this.log.error({ room, ids: [...refused] }, 'messages the store can never write; left for the dead-letter queue');
      // Back at once: each receive counts towards maxReceiveCount, so they reach the dead-letter queue quickly.
      await this.release(left);
    }
    // Not deleting is safe (a redelivery is recognised by id), so a failed delete is only logged. Held until then:
    // the loop polls with a short wait while anything is held, and these rooms are locked until the delete lands.
    if (done.length > 0) await this.queue.delete(done).catch((err) => this.log.warn({ err }, 'queue delete failed'));
    for (const r of done) this.held.delete(r);
  }

  /**
   * The stored rows of the repeats that are redeliveries, oldest first: those an earlier receiver may not have
   * broadcast. A repeat received for the first time is a client's late retry (sent again after the queue's
   * deduplication window): its first receiver broadcast it, so it is only settled. A deleted row is not broadcast
   * again (its text is gone, and `messageDeleted` told the room).
   */
  private async storedBefore(room: string, result: Sequenced, deliveries: Delivery[]): Promise<SequencedMessage[]> {
    if (result.repeats.length === 0) return [];
    const receives = new Map<string, number>();
    for (const d of deliveries) receives.set(d.message.id, Math.max(d.receiveCount, receives.get(d.message.id) ?? 0));
    const redelivered = result.repeats.filter((r) => (receives.get(r.id) ?? 1) > 1);
    const rows = await Promise.all(redelivered.map((r) => this.retry.run('read a stored message', () => this.rows.find(room, r.seq))));
    return rows
      .filter((row): row is SequencedMessage => row !== undefined && row.deletedAt === undefined)
      .sort((a, b) => compareSeq(a.seq, b.seq));
  }

  private async release(receipts: string[]): Promise<void> {
    for (const r of receipts) this.held.delete(r);
    await this.queue
      .release(receipts)
      .catch((err) => this.log.warn({ err }, 'queue release failed; the messages return after their visibility timeout'));
  }

  private async releaseHeld(): Promise<void> {
    const receipts = [...this.held.keys()];
    if (receipts.length > 0) await this.release(receipts);
  }

  /** Messages of a room that is still retrying stay in flight, keeping their place (and their room's order). */
  private async keepInFlight(): Promise<void> {
    const before = Date.now() - this.heartbeatMs;
    const old = [...this.held].filter(([, at]) => at <= before).map(([r]) => r);
    if (old.length === 0) return;
    await this.queue.extend(old, this.visibilitySeconds).catch((err) => this.log.warn({ err }, 'queue visibility extension failed'));
  }
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
