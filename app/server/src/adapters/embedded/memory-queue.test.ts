import type { AcceptedMessage } from '../../ports';
import { MemoryQueue } from './memory-queue';

const msg = (id: string, room = 'r'): AcceptedMessage => ({ id, room, author: 'a', text: id });

/** What the contract suite (test/contract/queue.contract.test.ts) cannot see from outside the port. */
describe('MemoryQueue', () => {
  const signal = new AbortController().signal;

  test('several rooms in one receive, in send order; a room in flight is skipped, not the others', async () => {
    const q = new MemoryQueue({ waitMs: 10 });
    for (let i = 0; i < 12; i++) await q.send(msg(`m${i}`, i % 2 ? 'odd' : 'even'));
    const first = await q.receive(signal);
    expect(first.map((d) => d.message.id)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
    // Both rooms are in flight: m10 and m11 wait behind them.
    expect(await q.receive(signal)).toEqual([]);
    await q.delete(first.filter((d) => d.message.room === 'even').map((d) => d.receipt));
    expect((await q.receive(signal)).map((d) => d.message.id)).toEqual(['m10']);
  });

  test('a waiting receive wakes when a locked room is freed', async () => {
    const q = new MemoryQueue({ waitMs: 60_000 });
    await q.send(msg('a'));
    await q.send(msg('b'));
    const [a, b] = await q.receive(signal);
    await q.send(msg('c'));
    const waiting = q.receive(signal);
    await q.delete([a!.receipt, b!.receipt]);
    expect((await waiting).map((d) => d.message.id)).toEqual(['c']);
  });

  test('a receipt of an earlier receive no longer deletes a message handed out again', async () => {
    const q = new MemoryQueue({ waitMs: 10 });
    await q.send(msg('x'));
    const [first] = await q.receive(signal);
    await q.release([first!.receipt]);
    const [again] = await q.receive(signal);
    await q.delete([first!.receipt]);
    await q.release([again!.receipt]);
    expect((await q.receive(signal)).map((d) => d.message.id)).toEqual(['x']);
  });
});
