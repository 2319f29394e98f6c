import type { MessageQueue } from '../ports';
import { RedisDown, type RedisLink } from './redis-link';

/** How long one `receive` waits for Redis to come back before returning empty (the consumer then asks again). */
const PAUSE_MS = 1000;

/**
 * The queue as several servers must use it: while Redis is away a message stored now would reach only this server's
 * sockets, so sends are refused (the sender gets `unavailable` and retries with the same id) and the consumer
 * pauses, leaving messages in SQS until Redis is back. A batch is deleted from SQS only once its broadcasts are in
 * Redis: SQS FIFO then releases the room to the next consumer, which may be another server, and its broadcasts must
 * come after ours.
 */
export function gateQueue(queue: MessageQueue, redis: RedisLink, barrierMs: number): MessageQueue {
  return {
    capabilities: queue.capabilities,
    send: async (message) => {
      if (!redis.ready()) throw new RedisDown('redis is not connected: the other servers would not see this message');
      await queue.send(message);
    },
    receive: async (signal, maxWaitSeconds) => {
      if (!redis.ready()) {
        await redis.untilReady(PAUSE_MS, signal);
        return [];
      }
      const batch = await queue.receive(signal, maxWaitSeconds);
      // A long poll that began before Redis went away can return after. Stored now, these messages would reach this
      // server's sockets when Redis is back, before the others' messages stored meanwhile (earlier seqs) that this
      // server has yet to read from Redis: out of order. Back to the queue, for a server that can broadcast them.
      if (batch.length > 0 && !redis.ready()) {
        // Not released: they come back after their visibility timeout, as after a crash.
        await queue.release(batch.map((d) => d.receipt)).catch(() => undefined);
        return [];
      }
      return batch;
    },
    delete: async (receipts) => {
      // A failed barrier leaves the batch in SQS: redelivered later, it is recognised by id and not stored again.
      await redis.barrier(barrierMs);
      await queue.delete(receipts);
    },
    release: (receipts) => queue.release(receipts),
    extend: (receipts, seconds) => queue.extend(receipts, seconds),
    ping: () => queue.ping(),
    close: () => queue.close(),
  };
}
