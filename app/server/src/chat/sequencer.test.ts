import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { DynamoStore } from '../adapters/aws/dynamo-store';
import { startDynalite, type EmbeddedDynamo } from '../adapters/embedded/dynalite';
import { MemoryQueue } from '../adapters/embedded/memory-queue';
import type { SequencedMessage } from '../ports';
import { Sequencer } from './sequencer';

/** The Sequencer against a real DynamoDB API (dynalite) and the in-process queue. */
describe('Sequencer', () => {
  let dir: string;
  let dynamo: EmbeddedDynamo;
  let store: DynamoStore;
  const log = pino({ level: 'silent' });

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-seq-'));
    dynamo = await startDynalite(dir, 3000);
    store = new DynamoStore(dynamo.client, 'history');
    await store.ensureTable();
  });
  afterEach(async () => {
    await dynamo.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function run(queue: MemoryQueue) {
    const seen: SequencedMessage[] = [];
    const s = new Sequencer(queue, store, (m) => seen.push(m), log);
    s.start();
    return { s, seen };
  }

  test('a message redelivered after a restart is settled with its seq and never broadcast again', async () => {
    const first = run(new MemoryQueue(50));
    const w1 = first.s.waitFor('r', 'm1', 5000);
    // @ts-expect-error reach the queue the sequencer consumes
    await first.s.queue.send({ id: 'm1', room: 'r', author: 'a', text: 'one' });
    const seq1 = await w1.done;
    await first.s.stop();

    // The queue hands m1 out again (its delete was lost in the crash), then m2.
    const queue = new MemoryQueue(50);
    const second = run(queue);
    const again = second.s.waitFor('r', 'm1', 5000);
    const w2 = second.s.waitFor('r', 'm2', 5000);
    await queue.send({ id: 'm1', room: 'r', author: 'a', text: 'one' });
    await queue.send({ id: 'm2', room: 'r', author: 'a', text: 'two' });
    expect(await again.done).toBe(seq1);
    const seq2 = await w2.done;
    expect(seq2 > seq1).toBe(true);
    expect(second.seen.map((m) => m.id)).toEqual(['m2']);
    expect((await store.page('r', 10)).messages.map((m) => m.id)).toEqual(['m2', 'm1']);
    await second.s.stop();
  });
});
