import type { AcceptedMessage, Delivery, MessageQueue } from '../../ports';

const DEDUP_WINDOW_MS = 5 * 60 * 1000;
const MAX_BATCH = 10;

/**
 * SQS FIFO semantics in process: one FIFO line (so each room keeps its order), a message id seen in its room in the
 * last five minutes is accepted but not queued again, and a received message stays in flight until deleted.
 */
export class MemoryQueue implements MessageQueue {
  private readonly ready: Delivery[] = [];
  private readonly inFlight = new Map<string, AcceptedMessage>();
  /** id → expiry; Map keeps insertion order, which is expiry order, so pruning stops at the first live entry. */
  private readonly seen = new Map<string, number>();
  private wake: (() => void) | undefined;
  private nextReceipt = 0;

  constructor(private readonly waitMs = 20_000) {}

  async send(message: AcceptedMessage): Promise<void> {
    const now = Date.now();
    for (const [id, expiry] of this.seen) {
      if (expiry > now) break;
      this.seen.delete(id);
    }
    // Per room, as SQS FIFO with deduplication scope `messageGroup`.
    const key = `${message.room}\n${message.id}`;
    if (this.seen.has(key)) return;
    this.seen.set(key, now + DEDUP_WINDOW_MS);
    this.ready.push({ message, receipt: String(this.nextReceipt++) });
    this.wake?.();
  }

  async receive(signal: AbortSignal): Promise<Delivery[]> {
    if (this.ready.length === 0 && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.waitMs);
        const wake = () => done();
        this.wake = wake;
        signal.addEventListener('abort', done, { once: true });
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
      });
      this.wake = undefined;
    }
    if (signal.aborted) return [];
    const batch = this.ready.splice(0, MAX_BATCH);
    for (const d of batch) this.inFlight.set(d.receipt, d.message);
    return batch;
  }

  async delete(receipts: string[]): Promise<void> {
    for (const r of receipts) this.inFlight.delete(r);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.wake?.();
  }
}
