import type { Delivery, MessageQueue } from '../ports';
import { gateQueue } from './gated-queue';
import type { RedisLink } from './redis-link';

/** A queue whose receive resolves when the test says, recording what is released. */
function fakeQueue() {
  let deliver: (batch: Delivery[]) => void = () => undefined;
  const released: string[][] = [];
  const queue = {
    receive: () => new Promise<Delivery[]>((resolve) => (deliver = resolve)),
    release: async (receipts: string[]) => void released.push(receipts),
  } as unknown as MessageQueue;
  return { queue, released, deliver: (batch: Delivery[]) => deliver(batch) };
}

const delivery = (id: string): Delivery => ({ message: { id, room: 'r', author: 'a', text: 't' }, receipt: `rcpt-${id}`, receiveCount: 1 });

describe('gateQueue: the queue as several servers use it', () => {
  test('a long poll that returns after Redis went away hands its messages back instead of storing them', async () => {
    let up = true;
    const redis = { ready: () => up } as unknown as RedisLink;
    const q = fakeQueue();
    const gated = gateQueue(q.queue, redis, 1000);

    const received = gated.receive(new AbortController().signal);
    // The poll began with Redis up; a partition cuts this server off while it waits; then messages arrive.
    up = false;
    q.deliver([delivery('m1'), delivery('m2')]);
    expect(await received).toEqual([]);
    expect(q.released).toEqual([['rcpt-m1', 'rcpt-m2']]);

    // With Redis up, a batch is the consumer's.
    up = true;
    const next = gated.receive(new AbortController().signal);
    q.deliver([delivery('m3')]);
    expect(await next).toEqual([delivery('m3')]);
    expect(q.released).toHaveLength(1);
  });
});
