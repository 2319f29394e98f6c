import type { AcceptedMessage, Delivery, MessageQueue } from '../../src/ports';
import { ADAPTERS, AdapterBackend } from './adapters';

const msg = (id: string, room = 'r'): AcceptedMessage => ({ id, room, author: 'a', text: id });
const idsOf = (ds: Delivery[]) => ds.map((d) => d.message.id);
const VISIBILITY_SECONDS = 2;

/**
 * The MessageQueue port: SQS FIFO as the server relies on it, the same cases against the in-process queue and SQS on
 * moto. Waits are for behaviour (a message back after its visibility timeout), never upper bounds on speed.
 */
describe.each(ADAPTERS)('MessageQueue contract: %s', (kind) => {
  const backend = new AdapterBackend(kind);
  let queue: MessageQueue;
  let deadLetters: () => Promise<AcceptedMessage[]>;
  const signal = new AbortController().signal;
  /** Receive until `n` messages came (or a few empty polls): SQS may hand out a batch in parts. */
  const receiveUpTo = async (n: number, polls = 3): Promise<Delivery[]> => {
    const got: Delivery[] = [];
    for (let empty = 0; got.length < n && empty < polls;) {
      const batch = await queue.receive(signal);
      if (batch.length === 0) empty++;
      got.push(...batch);
    }
    return got;
  };
  /** Receive (without deleting) until `n` messages came or `ms` passed: for messages that come back in time. */
  const receiveWithin = async (n: number, ms: number): Promise<Delivery[]> => {
    const got: Delivery[] = [];
    for (const until = Date.now() + ms; got.length < n && Date.now() < until;) got.push(...(await queue.receive(signal)));
    return got;
  };
  /** Receive and delete until `n` messages came or the queue stays empty. */
  const drain = async (n: number): Promise<Delivery[]> => {
    const got: Delivery[] = [];
    for (let empty = 0; got.length < n && empty < 2;) {
      const batch = await queue.receive(signal);
      if (batch.length === 0) empty++;
      else await queue.delete(batch.map((d) => d.receipt));
      got.push(...batch);
    }
    return got;
  };

  beforeAll(() => backend.setup(), 60_000);
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    ({ queue, deadLetters } = await backend.queue({ visibilitySeconds: VISIBILITY_SECONDS, maxReceiveCount: 2 }));
  });

  test('a room keeps its send order, at most ten messages per receive', async () => {
    for (let i = 0; i < 12; i++) await queue.send(msg(`m${i}`));
    const first = await queue.receive(signal);
    expect(first.length).toBeLessThanOrEqual(10);
    await queue.delete(first.map((d) => d.receipt));
    const rest = await receiveUpTo(12 - first.length);
    expect([...idsOf(first), ...idsOf(rest)]).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`));
  });

  test('an id sent again in its room is not queued twice; the same id in another room is another message', async () => {
    await queue.send(msg('same'));
    await queue.send(msg('same'));
    expect(idsOf(await drain(2))).toEqual(['same']);
    // (moto dedups queue-wide but only against messages still queued, SQS per group for five minutes: after the
    // first is consumed both take the same id in another room.)
    await queue.send(msg('same', 'other'));
    expect((await drain(1)).map((d) => `${d.message.room}/${d.message.id}`)).toEqual(['other/same']);
  });

  test('group lock: nothing more of a room is handed out while one of its messages is in flight; other rooms flow', async () => {
    await queue.send(msg('a1', 'a'));
    const a1 = await receiveUpTo(1);
    expect(idsOf(a1)).toEqual(['a1']);
    await queue.send(msg('a2', 'a'));
    await queue.send(msg('b1', 'b'));
    const meanwhile = await receiveUpTo(2, 1);
    expect(idsOf(meanwhile)).toEqual(['b1']);
    await queue.delete([...a1, ...meanwhile].map((d) => d.receipt));
    expect(idsOf(await receiveUpTo(1))).toEqual(['a2']);
  });

  test('release hands a message back at once, first in its room again, counted as received twice', async () => {
    await queue.send(msg('x1'));
    await queue.send(msg('x2'));
    const got = await receiveUpTo(2);
    expect(got.map((d) => [d.message.id, d.receiveCount])).toEqual([
      ['x1', 1],
      ['x2', 1],
    ]);
    await queue.release(got.map((d) => d.receipt));
    expect((await receiveUpTo(2)).map((d) => [d.message.id, d.receiveCount])).toEqual([
      ['x1', 2],
      ['x2', 2],
    ]);
  });

  test('a message neither deleted nor extended comes back after the visibility timeout; extend keeps it in flight', async () => {
    await queue.send(msg('kept', 'k'));
    await queue.send(msg('lapsed', 'l'));
    const got = await receiveUpTo(2);
    const kept = got.find((d) => d.message.id === 'kept')!;
    // Keep one in flight well past the queue's timeout; the other lapses.
    await queue.extend([kept.receipt], 30);
    // Received together, so once the other is back the queue's own timeout has passed for the kept one too.
    const back = await receiveWithin(1, 60_000);
    expect(back.map((d) => [d.message.id, d.receiveCount])).toEqual([['lapsed', 2]]);
    expect(idsOf(await queue.receive(signal))).toEqual([]);
  });

  test("a room's messages that come back after their visibility timeout come back in send order, before later ones", async () => {
    for (const id of ['r1', 'r2', 'r3']) await queue.send(msg(id));
    expect(idsOf(await receiveUpTo(3))).toEqual(['r1', 'r2', 'r3']);
    await queue.send(msg('r4'));
    // Not deleted: all three return once their visibility times out, first in their room, as they were sent.
    const back = await receiveWithin(4, 60_000);
    expect(back.map((d) => [d.message.id, d.receiveCount])).toEqual([
      ['r1', 2],
      ['r2', 2],
      ['r3', 2],
      ['r4', 1],
    ]);
  });

  test('after maxReceiveCount receives a message moves to the dead-letter queue, and its room flows again', async () => {
    await queue.send(msg('poison'));
    for (let i = 0; i < 2; i++) {
      const got = await receiveUpTo(1);
      expect(idsOf(got)).toEqual(['poison']);
      await queue.release(got.map((d) => d.receipt));
    }
    await queue.send(msg('next'));
    const after = await receiveUpTo(1);
    expect(idsOf(after)).toEqual(['next']);
    expect((await deadLetters()).map((m) => m.id)).toEqual(['poison']);
  });

  test('a waiting receive returns empty when aborted', async () => {
    const stop = new AbortController();
    const idle = queue.receive(stop.signal);
    stop.abort();
    expect(await idle).toEqual([]);
  });
});
