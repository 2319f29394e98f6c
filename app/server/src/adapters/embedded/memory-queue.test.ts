import type { AcceptedMessage } from '../../ports';
import { MemoryQueue } from './memory-queue';

const msg = (id: string, room = 'r'): AcceptedMessage => ({ id, room, author: 'a', text: id });

describe('MemoryQueue', () => {
  test('keeps send order, at most ten per receive', async () => {
    const q = new MemoryQueue(10);
    for (let i = 0; i < 12; i++) await q.send(msg(`m${i}`, i % 2 ? 'odd' : 'even'));
    const signal = new AbortController().signal;
    const first = await q.receive(signal);
    expect(first.map((d) => d.message.id)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
    expect((await q.receive(signal)).map((d) => d.message.id)).toEqual(['m10', 'm11']);
  });

  test('a repeated id inside the window is accepted but not queued again', async () => {
    const q = new MemoryQueue(10);
    await q.send(msg('same'));
    await q.send(msg('same'));
    expect(await q.receive(new AbortController().signal)).toHaveLength(1);
  });

  test('a waiting receive wakes on send, and returns empty when aborted', async () => {
    const q = new MemoryQueue(60_000);
    const waiting = q.receive(new AbortController().signal);
    await q.send(msg('late'));
    expect((await waiting).map((d) => d.message.id)).toEqual(['late']);
    const stop = new AbortController();
    const idle = q.receive(stop.signal);
    stop.abort();
    expect(await idle).toEqual([]);
  });
});
