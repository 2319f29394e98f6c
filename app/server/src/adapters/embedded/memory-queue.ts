import type { AcceptedMessage, Delivery, MessageQueue, QueueCapabilities } from '../../ports';
import { DEDUPLICATION_WINDOW_SECONDS, MAX_RECEIVE_COUNT, QUEUE_ATTRIBUTES, QUEUE_BATCH_MAX as MAX_BATCH } from '../aws/table-shape';

const DEDUP_WINDOW_MS = DEDUPLICATION_WINDOW_SECONDS * 1000;

/** The queue's attributes, as the data stack gives them to SQS unless told otherwise. */
export interface MemoryQueueOptions {
  /** Long-poll wait of an empty receive (SQS: the queue's ReceiveMessageWaitTimeSeconds). */
  waitMs?: number;
  /** How long a received message stays invisible unless deleted, extended or released (SQS: the queue's VisibilityTimeout). */
  visibilityMs?: number;
  /** Receives after which a message moves to the dead-letter list instead (SQS: the redrive policy's maxReceiveCount). */
  maxReceiveCount?: number;
}

interface Entry {
  message: AcceptedMessage;
  /** Send order: the position a redelivered message takes again. */
  order: number;
  receiveCount: number;
  /** Set while in flight. */
  receipt?: string;
  visibleAt: number;
}

/**
 * SQS FIFO in process, for what the server relies on: messages of a room (the group) come in send order and none of
 * a group is handed out while an earlier one is in flight; an id seen in its room in the last five minutes is
 * accepted but not queued again; a received message comes back after the visibility timeout unless deleted (or
 * at once when released); after `maxReceiveCount` receives it goes to the dead-letter list.
 */
export class MemoryQueue implements MessageQueue {
  /** A delete or release wakes every waiting receive that can now take something. */
  readonly capabilities: QueueCapabilities = { wakesWhenGroupUnlocks: true };
  /** Waiting to be received, in send order. */
  private ready: Entry[] = [];
  private readonly inFlight = new Map<string, Entry>();
  private readonly dead: AcceptedMessage[] = [];
  /** room\nid → expiry; Map keeps insertion order, which is expiry order, so pruning stops at the first live entry. */
  private readonly seen = new Map<string, number>();
  private readonly wakers = new Set<() => void>();
  private readonly waitMs: number;
  private readonly visibilityMs: number;
  private readonly maxReceiveCount: number;
  private nextOrder = 0;
  private nextReceipt = 0;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(opts: MemoryQueueOptions = {}) {
    this.waitMs = opts.waitMs ?? QUEUE_ATTRIBUTES.receiveWaitTimeSeconds * 1000;
    this.visibilityMs = opts.visibilityMs ?? QUEUE_ATTRIBUTES.visibilityTimeoutSeconds * 1000;
    this.maxReceiveCount = opts.maxReceiveCount ?? MAX_RECEIVE_COUNT;
  }

  async send(message: AcceptedMessage): Promise<void> {
    const now = Date.now();
    for (const [key, expiry] of this.seen) {
      if (expiry > now) break;
      this.seen.delete(key);
    }
    // Per room, as SQS FIFO with deduplication scope `messageGroup`.
    const key = `${message.room}\n${message.id}`;
    if (this.seen.has(key)) return;
    this.seen.set(key, now + DEDUP_WINDOW_MS);
    this.ready.push({ message, order: this.nextOrder++, receiveCount: 0, visibleAt: 0 });
    this.wakeAll();
  }

  async receive(signal: AbortSignal, maxWaitSeconds?: number): Promise<Delivery[]> {
    let batch = this.take();
    if (batch.length === 0 && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(this.waitMs, (maxWaitSeconds ?? Infinity) * 1000));
        const wake = () => {
          if (this.takeable()) done();
        };
        this.wakers.add(wake);
        signal.addEventListener('abort', done, { once: true });
        const wakers = this.wakers;
        function done() {
          clearTimeout(timer);
          wakers.delete(wake);
          signal.removeEventListener('abort', done);
          resolve();
        }
      });
      batch = signal.aborted ? [] : this.take();
    }
    return batch;
  }

  async delete(receipts: string[]): Promise<void> {
    // A receipt from an earlier receive of a message handed out again no longer matches: ignored, as SQS FIFO does.
    for (const r of receipts) this.inFlight.delete(r);
    this.wakeAll();
  }

  async release(receipts: string[]): Promise<void> {
    this.changeVisibility(receipts, 0);
  }

  async extend(receipts: string[], seconds: number): Promise<void> {
    this.changeVisibility(receipts, seconds * 1000);
  }

  /** What moved to the dead-letter queue, oldest first. */
  deadLetters(): AcceptedMessage[] {
    return [...this.dead];
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearTimeout(this.expiryTimer);
    this.wakeAll();
  }

  private changeVisibility(receipts: string[], ms: number): void {
    const now = Date.now();
    for (const r of receipts) {
      const e = this.inFlight.get(r);
      if (e) e.visibleAt = now + ms;
    }
    this.returnExpired();
  }

  /** In-flight messages whose visibility ended go back to their place in line. */
  private returnExpired(): void {
    const now = Date.now();
    let back = false;
    let next = Infinity;
    for (const [r, e] of this.inFlight) {
      if (e.visibleAt <= now) {
        this.inFlight.delete(r);
        delete e.receipt;
        this.ready.push(e);
        back = true;
      } else next = Math.min(next, e.visibleAt);
    }
    if (back) this.ready.sort((a, b) => a.order - b.order);
    clearTimeout(this.expiryTimer);
    if (next !== Infinity) {
      this.expiryTimer = setTimeout(() => this.returnExpired(), Math.max(1, next - now));
      this.expiryTimer.unref();
    }
    if (back) this.wakeAll();
  }

  private lockedGroups(): Set<string> {
    return new Set([...this.inFlight.values()].map((e) => e.message.room));
  }

  private takeable(): boolean {
    const locked = this.lockedGroups();
    return this.ready.some((e) => !locked.has(e.message.room));
  }

  /** Up to ten messages in send order, none of a group with a message in flight from an earlier receive. */
  private take(): Delivery[] {
    this.returnExpired();
    const locked = this.lockedGroups();
    const batch: Delivery[] = [];
    const rest: Entry[] = [];
    for (const e of this.ready) {
      if (batch.length >= MAX_BATCH || locked.has(e.message.room)) {
        rest.push(e);
        continue;
      }
      if (e.receiveCount >= this.maxReceiveCount) {
        this.dead.push(e.message);
        continue;
      }
      e.receiveCount++;
      e.receipt = `${this.nextReceipt++}`;
      e.visibleAt = Date.now() + this.visibilityMs;
      this.inFlight.set(e.receipt, e);
      batch.push({ message: e.message, receipt: e.receipt, receiveCount: e.receiveCount });
    }
    this.ready = rest;
    if (this.inFlight.size > 0) this.returnExpired();
    return batch;
  }

  private wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }
}
