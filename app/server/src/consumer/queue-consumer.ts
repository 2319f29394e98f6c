import { compareSeq } from '@chat/protocol';
import { QUEUE_ATTRIBUTES } from '../adapters/aws/table-shape';
import type { Acks } from '../acks/acks';
import type { Logger } from '../logger';
import type { Delivery, MessageDeletes, MessageQueue, MessageStore, RoomEvents, SequencedMessage } from '../ports';
import { backoffDelay, sleep } from '../util/backoff';
import { RoomLanes } from './room-lanes';
import { RetryPolicy, Stopped } from './retry';
import { RoomSequencer, type Sequenced } from './sequencer';

/** What the consumer works between: the queue, the store, the senders waiting here and the room's sockets. */
export interface ConsumerPorts {
  queue: MessageQueue;
  store: MessageStore;
  /** The stored rows a redelivery is published again from (a deleted one is not). */
  rows: Pick<MessageDeletes, 'find'>;
  acks: Acks;
  events: RoomEvents;
}

export interface ConsumerOptions {
  /** Received messages held at once (all rooms); the loop waits for a room to finish before receiving more. */
  maxHeld?: number;
  /** How long a received message stays invisible (the queue's visibility timeout): held messages are kept in flight by this much. */
  visibilitySeconds?: number;
  /** How often messages held longer than this are kept in flight; a third of the visibility timeout by default. */
  heartbeatMs?: number;
  retry?: { baseMs?: number; capMs?: number };
}

/** While messages are held (a room retrying), receives wait at most this long, so a healed room is picked up soon. */
const HELD_WAIT_SECONDS = 1;
/**
 * For a queue whose waiting receive does not wake when a room unlocks: how long the loop lets a batch's rooms finish
 * before it receives again. Usually a batch is stored in a few ms; a room still retrying after that is left to its
 * lane, and the loop goes on without it.
 */
const SETTLE_MS = 1000;

/**
 * The queue's consumer, one room's messages at a time in each room's lane: receive → number and store → publish to
 * the room → settle the senders → delete from the queue. It never waits for every room before receiving again, so a
 * room whose store keeps failing backs off alone — its messages kept in flight by a heartbeat — while other rooms
 * flow. At stop, what was received but not stored is released to the queue at once.
 *
 * A message is deleted from the queue only after it is published, so one that comes back (a redelivery: received
 * before) may have been stored by a receiver that stopped before publishing it — a crash, or a lost answer. Found
 * stored, it is published again as stored, so a socket that stayed connected gets it: sometimes twice, with the same
 * id and seq, which clients tell apart by id.
 */
export class QueueConsumer {
  private readonly stopping = new AbortController();
  private readonly sequencer: RoomSequencer;
  private readonly lanes = new RoomLanes();
  private readonly retry: RetryPolicy;
  /** receipt → when it was received, for every delivery not yet deleted or released. */
  private readonly held = new Map<string, number>();
  private readonly maxHeld: number;
  private readonly heartbeatMs: number;
  private readonly visibilitySeconds: number;
  private loop: Promise<void> | undefined;
  private readonly queue: MessageQueue;
  private readonly rows: Pick<MessageDeletes, 'find'>;
  private readonly acks: Acks;
  private readonly events: RoomEvents;

  constructor(
    ports: ConsumerPorts,
    private readonly log: Logger,
    opts: ConsumerOptions = {},
  ) {
    this.queue = ports.queue;
    this.rows = ports.rows;
    this.acks = ports.acks;
    this.events = ports.events;
    this.sequencer = new RoomSequencer(ports.store, ports.acks.ids);
    this.retry = new RetryPolicy(this.stopping.signal, log, opts.retry);
    this.maxHeld = opts.maxHeld ?? 100;
    this.visibilitySeconds = opts.visibilitySeconds ?? QUEUE_ATTRIBUTES.visibilityTimeoutSeconds;
    this.heartbeatMs = opts.heartbeatMs ?? (this.visibilitySeconds * 1000) / 3;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    const wakes = this.queue.capabilities.wakesWhenGroupUnlocks;
    const heartbeat = setInterval(() => void this.keepInFlight(), this.heartbeatMs);
    heartbeat.unref();
    let failures = 0;
    try {
      while (!signal.aborted) {
        if (this.held.size >= this.maxHeld) {
          await this.lanes.whenAnySettles();
          continue;
        }
        // Let the sends already read off the sockets reach the queue first, so that a turn carries what arrived
        // together rather than one message each, and a room's backlog comes in one receive, one append.
        if (wakes) await new Promise<void>((resolve) => setImmediate(resolve));
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
        // A queue that wakes a waiting receive when a room unlocks is asked again at once, while these rooms are
        // stored; any other gets the batch finished (and deleted) first, or its next poll would find the rooms locked.
        if (jobs.length > 0 && !wakes) await Promise.race([Promise.all(jobs), sleep(SETTLE_MS, signal)]);
      }
    } finally {
      clearInterval(heartbeat);
      await this.lanes.idle();
      await this.releaseHeld();
    }
  }

  /** One room's deliveries, in queue order: number and store, publish, settle, then delete them from the queue. */
  private async handle(room: string, deliveries: Delivery[]): Promise<void> {
    let result: Sequenced;
    let again: SequencedMessage[];
    try {
      result = await this.sequencer.sequence(
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
    this.publish(again, result.stored);
    this.settle(room, result);
    await this.finish(room, deliveries, result);
  }

  /**
   * The stored rows of the repeats that are redeliveries, oldest first: those an earlier receiver may not have
   * published. A repeat received for the first time is a client's late retry (sent again after the queue's
   * deduplication window): its first receiver published it, so it is only settled. A deleted row is not published
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

  /** To the room, in seq order: what is published again was stored before anything stored now. */
  private publish(again: SequencedMessage[], stored: SequencedMessage[]): void {
    for (const m of again) {
      this.events.newMessage(m);
      this.log.debug({ id: m.id, room: m.room, seq: m.seq }, 'redelivered message published again');
    }
    for (const m of stored) {
      this.events.newMessage(m);
      this.log.debug({ id: m.id, room: m.room, seq: m.seq }, 'message delivered');
    }
  }

  /** Every sender waiting here gets its seq: the new one, or the first one of a repeat. */
  private settle(room: string, result: Sequenced): void {
    for (const m of result.stored) this.acks.settle(room, m.id, m.seq);
    for (const { id, seq } of result.repeats) this.acks.settle(room, id, seq);
  }

  /** Delete what is done from the queue; what the store can never write goes back, towards the dead-letter queue. */
  private async finish(room: string, deliveries: Delivery[], result: Sequenced): Promise<void> {
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
