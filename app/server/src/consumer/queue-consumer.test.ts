import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { MemoryQueue } from '../adapters/embedded/memory-queue';
import { SqliteStore } from '../adapters/embedded/sqlite-store';
import { SqliteDeletes } from '../adapters/embedded/sqlite-deletes';
import { UnwritableMessage, type AcceptedMessage, type MessageQueue, type MessageStore, type SequencedMessage } from '../ports';
import { awsError, FaultyStore } from '../../test/support/faulty-store';
import { Acks } from '../acks/acks';
import { QueueConsumer, type ConsumerOptions } from './queue-consumer';

const msg = (id: string, room = 'r'): AcceptedMessage => ({ id, room, author: 'a', text: id });

/** The same queue as the consumer of SQS sees one: a waiting receive does not wake when a room unlocks. */
const withoutWakeUps = (q: MemoryQueue): MessageQueue => ({
  capabilities: { wakesWhenGroupUnlocks: false },
  send: (m) => q.send(m),
  receive: (signal, wait) => q.receive(signal, wait),
  delete: (r) => q.delete(r),
  release: (r) => q.release(r),
  extend: (r, seconds) => q.extend(r, seconds),
  ping: () => q.ping(),
  close: () => q.close(),
});

/**
 * The consume loop against the real in-process queue and a real store (SQLite), failures injected at the store port;
 * the same cases whether the queue wakes a waiting receive when a room unlocks (embedded) or not (SQS, moto).
 */
describe.each([
  ['a queue that wakes a waiting receive when a room unlocks', true],
  ['a queue that does not', false],
])('QueueConsumer on %s', (_name, wakes) => {
  let dir: string;
  let store: SqliteStore;
  let rows: SqliteDeletes;
  const log = pino({ level: 'silent' });
  const running: QueueConsumer[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-seq-'));
    store = new SqliteStore(path.join(dir, 'h.sqlite'), 24 * 3600);
    rows = new SqliteDeletes(path.join(dir, 'h.sqlite'));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    await rows.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function run(queue: MemoryQueue, s: MessageStore = store, opts: ConsumerOptions = {}) {
    const seen: SequencedMessage[] = [];
    const acks = new Acks(s);
    const consumer = new QueueConsumer(
      {
        queue: wakes ? queue : withoutWakeUps(queue),
        store: s,
        rows,
        acks,
        events: { newMessage: (m) => seen.push(m), messageDeleted: () => {}, messageEdited: () => {}, reactions: () => {} },
      },
      log,
      { retry: { baseMs: 5, capMs: 50 }, heartbeatMs: 100, visibilitySeconds: 1, ...opts },
    );
    consumer.start();
    running.push(consumer);
    return { s: consumer, acks, seen };
  }
  const ids = async (room: string) => (await store.page(room, 100)).messages.reverse().map((m) => m.id);

  test('a late retry of a stored message (a new queue message, received once) is settled with its first seq, not broadcast again', async () => {
    const queue1 = new MemoryQueue({ waitMs: 50 });
    const first = run(queue1);
    const w1 = first.acks.wait('r', 'm1', 5000);
    await queue1.send(msg('m1'));
    const seq1 = await w1.done;
    await first.s.stop();

    // A client sends m1 again after the queue's deduplication window: a new queue message, received for the first time.
    const queue = new MemoryQueue({ waitMs: 50 });
    const second = run(queue);
    const again = second.acks.wait('r', 'm1', 5000);
    const w2 = second.acks.wait('r', 'm2', 5000);
    await queue.send(msg('m1'));
    await queue.send(msg('m2'));
    expect(await again.done).toBe(seq1);
    expect((await w2.done) > seq1).toBe(true);
    expect(second.seen.map((m) => m.id)).toEqual(['m2']);
    expect(await ids('r')).toEqual(['m1', 'm2']);
  });

  test('a message stored by a receiver that stopped before broadcasting it is broadcast again, as stored, when redelivered', async () => {
    // Written, then no answer until the server stops: stored, never broadcast, and handed back to the queue.
    const faulty = new FaultyStore(store);
    faulty.failAppend = () => ({ error: awsError('ServiceUnavailable'), after: true });
    const queue = new MemoryQueue({ waitMs: 50, visibilityMs: 60_000 });
    for (const id of ['m1', 'm2', 'm3']) await queue.send(msg(id));
    const crashed = run(queue, faulty);
    while (faulty.appends === 0) await new Promise((r) => setTimeout(r, 10));
    await crashed.s.stop();
    expect(crashed.seen).toEqual([]);
    const stored = (await store.page('r', 10)).messages.reverse();
    expect(stored.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    // Deleted meanwhile: its text must not come back.
    await rows.markDeleted('r', stored[1]!.seq, new Date().toISOString());

    const restarted = run(queue);
    const m4 = restarted.acks.wait('r', 'm4', 10_000);
    await queue.send(msg('m4'));
    await m4.done;
    // Older seqs first, each as stored (its seq and sentAt), then the new message; m2 stays deleted.
    expect(restarted.seen.map((m) => [m.id, Number(m.seq), m.text])).toEqual([
      ['m1', 1, 'm1'],
      ['m3', 3, 'm3'],
      ['m4', 4, 'm4'],
    ]);
    expect(restarted.seen.slice(0, 2)).toEqual([stored[0], stored[2]]);
    expect(await ids('r')).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  test('a room whose writes fail backs off alone, its messages kept in flight, while another room flows; then it heals in order', async () => {
    const faulty = new FaultyStore(store);
    let broken = true;
    faulty.failAppend = (room) => (room === 'bad' && broken ? { error: awsError('ProvisionedThroughputExceededException') } : undefined);
    // Visibility 1 s, two receives: without the heartbeat the stuck messages would bounce into the dead-letter queue.
    const queue = new MemoryQueue({ waitMs: 50, visibilityMs: 1000, maxReceiveCount: 2 });
    const { acks, seen } = run(queue, faulty);
    const bad = ['b1', 'b2'].map((id) => acks.wait('bad', id, 30_000));
    await queue.send(msg('b1', 'bad'));
    await queue.send(msg('b2', 'bad'));
    for (let i = 0; i < 20; i++) {
      const w = acks.wait('good', `g${i}`, 10_000);
      await queue.send(msg(`g${i}`, 'good'));
      await w.done;
    }
    await new Promise((r) => setTimeout(r, 3000));
    expect(await ids('bad')).toEqual([]);
    expect(await ids('good')).toHaveLength(20);
    broken = false;
    await Promise.all(bad.map((w) => w.done));
    expect(await ids('bad')).toEqual(['b1', 'b2']);
    expect(seen.filter((m) => m.room === 'bad').map((m) => m.id)).toEqual(['b1', 'b2']);
    expect(queue.deadLetters()).toEqual([]);
  });

  test('a message the store can never write reaches the dead-letter queue; the rest of its room goes on', async () => {
    const faulty = new FaultyStore(store);
    faulty.failAppend = (_room, ms) => (ms.some((m) => m.id === 'huge') ? { error: new UnwritableMessage('item too large') } : undefined);
    const queue = new MemoryQueue({ waitMs: 50, maxReceiveCount: 3 });
    const { acks } = run(queue, faulty);
    const after = acks.wait('r', 'after', 10_000);
    await queue.send(msg('before'));
    await queue.send(msg('huge'));
    await queue.send(msg('after'));
    await after.done;
    while (queue.deadLetters().length === 0) await new Promise((r) => setTimeout(r, 20));
    expect(queue.deadLetters().map((m) => m.id)).toEqual(['huge']);
    expect(await ids('r')).toEqual(['before', 'after']);
  });

  test.each([
    ['refused', false],
    ['written, then its answer lost', true],
  ])('a batch %s by the store, then a crash: after the restart no gap, no reorder, one row each', async (_what, after) => {
    const faulty = new FaultyStore(store);
    faulty.failAppend = () => ({ error: awsError('ServiceUnavailable'), after });
    const queue = new MemoryQueue({ waitMs: 50, visibilityMs: 60_000 });
    const crashed = run(queue, faulty);
    for (const id of ['m1', 'm2', 'm3']) await queue.send(msg(id));
    while (faulty.appends === 0) await new Promise((r) => setTimeout(r, 10));
    await crashed.s.stop();

    const restarted = run(queue);
    const done = ['m1', 'm2', 'm3', 'm4'].map((id) => restarted.acks.wait('r', id, 10_000));
    await queue.send(msg('m4'));
    const seqs = await Promise.all(done.map((w) => w.done));
    expect(seqs.map(Number)).toEqual([1, 2, 3, 4]);
    expect((await store.page('r', 10)).messages.reverse().map((m) => [m.id, Number(m.seq)])).toEqual([
      ['m1', 1],
      ['m2', 2],
      ['m3', 3],
      ['m4', 4],
    ]);
  });

  test('at stop, messages received but not stored go back to the queue at once', async () => {
    const faulty = new FaultyStore(store);
    faulty.failAppend = () => ({ error: awsError('ServiceUnavailable') });
    const queue = new MemoryQueue({ waitMs: 50, visibilityMs: 60_000 });
    const { s } = run(queue, faulty);
    await queue.send(msg('stuck'));
    while (faulty.appends === 0) await new Promise((r) => setTimeout(r, 10));
    await s.stop();
    // Visibility is a minute: only a release makes it receivable now.
    const again = await queue.receive(new AbortController().signal);
    expect(again.map((d) => d.message.id)).toEqual(['stuck']);
  });

  // Only a queue that wakes a waiting receive lets the loop receive again while a room is being stored.
  if (wakes) {
    test("while a room is being stored the loop receives on; that room's backlog then goes in one append", async () => {
      // Room a's first write is held until room b's message (sent later) is stored: the loop must not wait for a.
      let open!: () => void;
      const gate = new Promise<void>((r) => (open = r));
      const appends: string[][] = [];
      const gated: MessageStore = Object.assign(Object.create(store) as MessageStore, {
        append: async (room: string, messages: SequencedMessage[]) => {
          appends.push(messages.map((m) => m.id));
          if (room === 'a' && appends.filter((ids) => ids[0]!.startsWith('a')).length === 1) await gate;
          else if (room === 'b') open();
          return store.append(room, messages);
        },
      });
      const queue = new MemoryQueue({ waitMs: 50 });
      const { acks } = run(queue, gated);
      const all = ['a1', 'a2', 'a3', 'a4'].map((id) => acks.wait('a', id, 10_000)).concat([acks.wait('b', 'b1', 10_000)]);
      await queue.send(msg('a1', 'a'));
      while (appends.length === 0) await new Promise((r) => setTimeout(r, 5));
      for (const id of ['a2', 'a3', 'a4']) await queue.send(msg(id, 'a'));
      await queue.send(msg('b1', 'b'));
      await Promise.all(all.map((w) => w.done));
      expect(appends).toEqual([['a1'], ['b1'], ['a2', 'a3', 'a4']]);
      expect(await ids('a')).toEqual(['a1', 'a2', 'a3', 'a4']);
    });
  }
});
