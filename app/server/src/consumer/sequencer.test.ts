import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { formatSeq } from '@chat/protocol';
import { SqliteStore } from '../adapters/embedded/sqlite-store';
import { UnwritableMessage, type AcceptedMessage, type MessageStore } from '../ports';
import { awsError, FaultyStore } from '../../test/support/faulty-store';
import { KnownIds } from '../acks/known-ids';
import { RetryPolicy } from './retry';
import { RoomSequencer } from './sequencer';

const msg = (id: string, room = 'r'): AcceptedMessage => ({ id, room, author: 'a', text: id });

/** A room's numbering against a real store (SQLite), with failures injected at the port. */
describe('RoomSequencer', () => {
  let dir: string;
  let store: SqliteStore;
  /** A sequencer with the ids it knows, as one server has them. */
  const sequencerOn = (s: MessageStore) => {
    const ids = new KnownIds(s);
    return { rooms: new RoomSequencer(s, ids), ids };
  };
  const retry = new RetryPolicy(new AbortController().signal, pino({ level: 'silent' }), { baseMs: 1, capMs: 5 });
  const history = async (s: MessageStore = store, room = 'r') =>
    (await s.page(room, 1000)).messages.reverse().map((m) => `${m.seq.replace(/^0+/, '')}:${m.id}`);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-rooms-'));
    store = new SqliteStore(path.join(dir, 'h.sqlite'), 24 * 3600);
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('numbers after the room’s last message, once per id, also across restarts', async () => {
    const first = sequencerOn(store).rooms;
    const a = await first.sequence('r', [msg('a'), msg('b'), msg('a')], retry);
    expect(a.stored.map((m) => [m.id, m.seq])).toEqual([
      ['a', formatSeq(1)],
      ['b', formatSeq(2)],
    ]);
    const restarted = sequencerOn(store).rooms;
    const b = await restarted.sequence('r', [msg('b'), msg('c')], retry);
    expect(b.stored.map((m) => m.id)).toEqual(['c']);
    expect(b.repeats).toEqual([{ id: 'b', seq: formatSeq(2) }]);
    expect(await history()).toEqual(['1:a', '2:b', '3:c']);
  });

  test('the first id retried after 500 newer messages gets its first seq (the cache forgot it, the store did not)', async () => {
    const { rooms, ids } = sequencerOn(store);
    await rooms.sequence('r', [msg('first')], retry);
    for (let i = 0; i < 50; i++)
      await rooms.sequence(
        'r',
        Array.from({ length: 10 }, (_, j) => msg(`n${i * 10 + j}`)),
        retry,
      );
    expect(await ids.known('r', 'first')).toBe(formatSeq(1));
    const again = await rooms.sequence('r', [msg('first')], retry);
    expect(again).toEqual({ stored: [], repeats: [{ id: 'first', seq: formatSeq(1) }], refused: [] });
    expect(await sequencerOn(store).ids.known('r', 'first')).toBe(formatSeq(1));
    expect((await history()).length).toBe(501);
  });

  test('two writers on one room (two servers): a taken seq makes the other reload and number again, no gap, no overwrite', async () => {
    const other = new SqliteStore(path.join(dir, 'h.sqlite'), 24 * 3600);
    const a = sequencerOn(store).rooms;
    const b = sequencerOn(other).rooms;
    await a.sequence('r', [msg('a1')], retry);
    await b.sequence('r', [msg('b1')], retry);
    // a still thinks the room ends at 1.
    const a2 = await a.sequence('r', [msg('a2'), msg('b1'), msg('a3')], retry);
    expect(a2.stored.map((m) => [m.id, m.seq])).toEqual([
      ['a2', formatSeq(3)],
      ['a3', formatSeq(4)],
    ]);
    expect(a2.repeats).toEqual([{ id: 'b1', seq: formatSeq(2) }]);
    expect(await history()).toEqual(['1:a1', '2:b1', '3:a2', '4:a3']);
    await other.close();
  });

  test('an append whose answer was lost (written, then a timeout) is stored once and delivered once', async () => {
    const faulty = new FaultyStore(store);
    let failed = false;
    faulty.failAppend = () => (failed ? undefined : ((failed = true), { error: awsError('TimeoutError'), after: true }));
    const rooms = sequencerOn(faulty).rooms;
    const out = await rooms.sequence('r', [msg('x'), msg('y')], retry);
    expect(out.stored.map((m) => m.id)).toEqual(['x', 'y']);
    expect(out.repeats).toEqual([]);
    expect(await history()).toEqual(['1:x', '2:y']);
  });

  test('a batch partly refused: only the unwritable message is left out, the rest keeps its order without a gap', async () => {
    const faulty = new FaultyStore(store);
    faulty.failAppend = (_room, ms) => (ms.some((m) => m.id === 'bad') ? { error: new UnwritableMessage('too large') } : undefined);
    const out = await sequencerOn(faulty).rooms.sequence('r', [msg('a'), msg('bad'), msg('c')], retry);
    expect(out.refused.map((m) => m.id)).toEqual(['bad']);
    expect(await history()).toEqual(['1:a', '2:c']);
  });

  test('transient failures (throttling, expired token, access denied) heal without losing order', async () => {
    const faulty = new FaultyStore(store);
    const errors = ['ThrottlingException', 'ExpiredTokenException', 'AccessDeniedException', 'ResourceNotFoundException'];
    faulty.failAppend = () => (errors.length ? { error: awsError(errors.shift()!) } : undefined);
    const out = await sequencerOn(faulty).rooms.sequence('r', [msg('a'), msg('b')], retry);
    expect(out.stored.map((m) => m.id)).toEqual(['a', 'b']);
    expect(await history()).toEqual(['1:a', '2:b']);
  });
});
