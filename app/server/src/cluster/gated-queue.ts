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
      return queue.receive(signal, maxWaitSeconds);
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
