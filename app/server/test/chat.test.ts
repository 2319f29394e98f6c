import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { compareSeq } from '@chat/protocol';
import { MOTO_CREDENTIALS, MOTO_REGION } from '@chat/local-aws';
import type { RunningServer } from '../src';
import { TestBackend, MODES } from './support/backends';
import { ChatClient, ids } from './support/chat-client';
import { fullHistory, history } from './support/history';
import { eventually } from './support/eventually';

describe.each(MODES)('chat in %s mode', (mode) => {
  const backend = new TestBackend(mode);
  let server: RunningServer;
  let env: Record<string, string>;
  const clients: ChatClient[] = [];
  const connect = async (room?: string) => {
    const c = await ChatClient.connect(server.url);
    clients.push(c);
    if (room) expect(await c.join(room)).toEqual({ ok: true, room });
    return c;
  };

  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    // Retries count against the per-socket limit like any send; its own test is in bad-input.test.ts.
    env = await backend.env({ RATE_LIMIT_POINTS: '1000' });
    server = await backend.start(env);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server.close();
  });

  // moto answers one request at a time and copies the whole table for every item of a TransactWriteItems: its
  // burst is smaller, so it passes on a loaded 2-core machine.
  const [CLIENTS, EACH] = mode === 'moto' ? [10, 15] : [20, 25];
  const TOTAL = CLIENTS * EACH;

  test(`${CLIENTS} clients × ${EACH} messages at once, retrying unavailable with the same id: all acked once, one order everywhere, equal to history`, async () => {
    const members = await Promise.all(Array.from({ length: CLIENTS }, () => connect('crowd')));
    // moto answers one request at a time: on a busy machine some sends answer unavailable, and are retried as a
    // client would. What is asserted is integrity, never speed.
    const acks = await Promise.all(
      members.flatMap((c, ci) =>
        Array.from({ length: EACH }, (_, mi) =>
          c.sendUntilAcked({ id: `c${ci}-m${mi}`, room: 'crowd', author: `user${ci}`, text: `hello ${mi} from ${ci}` }),
        ),
      ),
    );
    expect(acks.filter((a) => !a.ok)).toEqual([]);
    const seqById = new Map(acks.map((a) => [a.ok ? a.id : '', a.ok ? a.seq : '']));
    expect(seqById.size).toBe(TOTAL);
    expect(new Set(seqById.values()).size).toBe(TOTAL);
    await Promise.all(members.map((c) => c.waitFor((r) => r.length >= TOTAL, 120_000)));

    const order = ids(members[0]!.received);
    expect(new Set(order).size).toBe(TOTAL);
    for (const c of members) expect(ids(c.received)).toEqual(order);
    const seqs = members[0]!.received.map((m) => m.seq);
    for (let i = 1; i < seqs.length; i++) expect(compareSeq(seqs[i - 1]!, seqs[i]!)).toBeLessThan(0);
    // Each ack names the seq the message was delivered with, and the seqs have no gap.
    for (const m of members[0]!.received) expect(seqById.get(m.id)).toBe(m.seq);
    expect(seqs.map(Number)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));

    const stored = await fullHistory(server.url, 'crowd');
    expect(ids(stored)).toEqual(order);
    expect(stored).toEqual(members[0]!.received);
  }, 600_000);

  test('a retried id is one message, also when sent twice at once and after a reconnect', async () => {
    const watcher = await connect();
    const sender = await connect();
    const msg = { id: 'retry-1', author: 'ann', text: 'only once' };
    const [a1, a2] = await Promise.all([sender.send(msg), sender.send(msg)]);
    expect(a1).toMatchObject({ ok: true, id: 'retry-1' });
    expect(a2).toEqual(a1);

    sender.close();
    const again = await connect();
    expect(await again.send(msg)).toEqual(a1);
    await again.send({ id: 'after', author: 'ann', text: 'next' });
    await watcher.waitFor((r) => r.some((m) => m.id === 'after'));
    expect(ids(watcher.received)).toEqual(['retry-1', 'after']);
    expect(ids((await history(server.url, 'room=global')).messages)).toEqual(['retry-1', 'after']);
  });

  test('paging walks back without gaps or overlap', async () => {
    const c = await connect('pages');
    for (let i = 0; i < 23; i++) expect((await c.send({ id: `p${i}`, room: 'pages', author: 'pat', text: `#${i}` })).ok).toBe(true);
    const newest = await history(server.url, 'room=pages&limit=5');
    expect(ids(newest.messages)).toEqual(['p18', 'p19', 'p20', 'p21', 'p22']);
    const walked = await fullHistory(server.url, 'pages', 5);
    expect(ids(walked)).toEqual(Array.from({ length: 23 }, (_, i) => `p${i}`));
    // Exactly one full page left: no empty page after it.
    const two = await history(server.url, `room=pages&limit=3&before=${walked[3]!.seq}`);
    expect(ids(two.messages)).toEqual(['p0', 'p1', 'p2']);
    expect(two.nextBefore).toBeNull();
    // An unpadded seq is the same position.
    const unpadded = await history(server.url, `room=pages&limit=2&before=${Number(walked[3]!.seq)}`);
    expect(ids(unpadded.messages)).toEqual(['p1', 'p2']);
  });

  test('dedup is per room, as SQS FIFO with messageGroup scope: the same id in two rooms is two messages', async () => {
    const c = await connect('room-x');
    await c.join('room-y');
    const x = await c.send({ id: 'same-id', room: 'room-x', author: 'al', text: 'in x' });
    // moto deduplicates against every message still in the queue, whatever its group, where SQS FIFO with
    // messageGroup scope does so per room; and the server deletes a message from the queue just after acking it. So
    // on moto, wait for that delete first, or moto drops the second message as a duplicate of the first.
    if (mode === 'moto') await queueEmptied(env);
    const y = await c.send({ id: 'same-id', room: 'room-y', author: 'al', text: 'in y' });
    expect(x).toEqual({ ok: true, id: 'same-id', seq: expect.any(String) });
    expect(y).toMatchObject({ ok: true, id: 'same-id' });
    await c.waitFor((r) => r.length === 2);
    expect(c.received.map((m) => m.room).sort()).toEqual(['room-x', 'room-y']);
  });

  test('a page is cut at DynamoDB’s 1 MB as well as at limit, and nextBefore still walks on', async () => {
    const s = await backend.start(await backend.env({ RATE_LIMIT_POINTS: '1000' }));
    const c = await ChatClient.connect(s.url);
    const text = '漢'.repeat(2000); // 6 KB each in UTF-8: 200 of them are over 1 MB
    const acks = await Promise.all(
      Array.from({ length: 201 }, (_, i) => c.sendUntilAcked({ id: `big${i}`, room: 'big', author: 'bo', text })),
    );
    expect(acks.every((a) => a.ok)).toBe(true);
    const newest = await history(s.url, 'room=big&limit=200');
    expect(newest.nextBefore).not.toBeNull();
    const all = await fullHistory(s.url, 'big', 200);
    expect(ids(all)).toEqual(Array.from({ length: 201 }, (_, i) => `big${i}`).sort((a, b) => ids(all).indexOf(a) - ids(all).indexOf(b)));
    expect(new Set(ids(all)).size).toBe(201);
    c.close();
    await s.close();
  }, 120_000);

  test('rooms are isolated', async () => {
    const inA = await connect('room-a');
    const inB = await connect('room-b');
    await inB.socket.timeout(5000).emitWithAck('leave', 'global');
    await inA.send({ id: 'to-a', room: 'room-a', author: 'al', text: 'for a' });
    await inB.send({ id: 'to-b', room: 'room-b', author: 'bo', text: 'for b' });
    await inA.waitFor((r) => r.some((m) => m.id === 'to-a'));
    await inB.waitFor((r) => r.some((m) => m.id === 'to-b'));
    expect(ids(inA.received)).toEqual(['to-a']);
    expect(ids(inB.received)).toEqual(['to-b']);
    expect(ids((await history(server.url, 'room=room-a')).messages)).toEqual(['to-a']);
    expect(ids((await history(server.url, 'room=room-b')).messages)).toEqual(['to-b']);
    expect((await history(server.url, 'room=global')).messages).toEqual([]);
  });

  test("the seed's bare string is text from anonymous in global", async () => {
    const c = await connect();
    const ack = await c.send('olá mundo');
    expect(ack.ok).toBe(true);
    await c.waitFor((r) => r.length === 1);
    expect(c.received[0]).toMatchObject({ room: 'global', author: 'anonymous', text: 'olá mundo' });
    expect(c.received[0]!.id).toBe(ack.ok && ack.id);
    expect(new Date(c.received[0]!.sentAt).toISOString()).toBe(c.received[0]!.sentAt);
  });

  test('restart: history survives and new messages continue the order', async () => {
    const env = await backend.env();
    let s = await backend.start(env);
    let c = await ChatClient.connect(s.url);
    const first = await c.send({ id: 'before-restart', author: 'rita', text: 'one' });
    c.close();
    await s.close();

    s = await backend.start(env);
    c = await ChatClient.connect(s.url);
    expect(await c.send({ id: 'before-restart', author: 'rita', text: 'one' })).toEqual(first);
    const second = await c.send({ id: 'after-restart', author: 'rita', text: 'two' });
    expect(second.ok && first.ok && compareSeq(second.seq, first.seq)).toBeGreaterThan(0);
    expect(ids((await history(s.url, 'room=global')).messages)).toEqual(['before-restart', 'after-restart']);
    c.close();
    await s.close();
  });
});

/** Resolves once the aws-mode queue of `env` holds no message, visible or in flight. */
async function queueEmptied(env: Record<string, string>): Promise<void> {
  const sqs = new SQSClient({ region: MOTO_REGION, endpoint: env['AWS_ENDPOINT_URL'], credentials: MOTO_CREDENTIALS });
  const held = async () => {
    const out = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: env['QUEUE_URL'],
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Number(out.Attributes?.['ApproximateNumberOfMessages']) + Number(out.Attributes?.['ApproximateNumberOfMessagesNotVisible']);
  };
  try {
    await eventually(
      async () => (await held()) === 0,
      60_000,
      'the queue emptied',
      async () => `${await held()} messages in it`,
    );
  } finally {
    sqs.destroy();
  }
}
