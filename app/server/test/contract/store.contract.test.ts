import { formatSeq } from '@chat/protocol';
import { UnwritableMessage, type MessageStore, type SequencedMessage } from '../../src/ports';
import { ADAPTERS, AdapterBackend } from './adapters';

const at = (n: number, id = `m${n}`, room = 'r'): SequencedMessage => ({
  id,
  room,
  author: 'ann',
  text: `text of ${id}`,
  seq: formatSeq(n),
  sentAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
});
const seqs = (n: number[]) => n.map(formatSeq);

/** The MessageStore port: the same cases against SQLite (embedded) and DynamoDB (moto). */
describe.each(ADAPTERS)('MessageStore contract: %s', (kind) => {
  const backend = new AdapterBackend(kind);
  let store: MessageStore;
  let connect: () => MessageStore;
  beforeAll(() => backend.setup(), 60_000);
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    ({ store, connect } = await backend.store());
  });

  test('an empty room has head 0, no history and no ids', async () => {
    expect(await store.head('r')).toBe(0n);
    expect(await store.page('r', 10)).toEqual({ messages: [], more: false });
    expect(await store.lookup('r', ['a', 'b'])).toEqual(new Map());
  });

  test('append writes rows and id records: head, history newest first, lookup id → seq', async () => {
    const batch = [at(1), at(2), { ...at(3), text: undefined, imageKey: 'rooms/r/01J00000000000000000000000.png' }];
    expect(await store.append('r', batch)).toEqual({ ok: true });
    expect(await store.head('r')).toBe(3n);
    expect((await store.page('r', 10)).messages).toEqual([...batch].reverse());
    expect(await store.lookup('r', ['m1', 'm3', 'nope'], { consistent: true })).toEqual(
      new Map([
        ['m1', formatSeq(1)],
        ['m3', formatSeq(3)],
      ]),
    );
    // Rooms are separate partitions.
    expect(await store.head('other')).toBe(0n);
    expect(await store.lookup('other', ['m1'])).toEqual(new Map());
  });

  test('a taken seq is never overwritten: seq_taken, and nothing of that batch is written', async () => {
    await store.append('r', [at(1), at(2)]);
    const result = await store.append('r', [at(3, 'x3'), at(2, 'x2')]);
    expect(result).toEqual({ ok: false, conflict: { kind: 'seq_taken', seq: formatSeq(2) } });
    expect((await store.page('r', 10)).messages.map((m) => m.id)).toEqual(['m2', 'm1']);
    expect(await store.lookup('r', ['x2', 'x3'], { consistent: true })).toEqual(new Map());
    expect(await store.head('r')).toBe(2n);
  });

  test('an id already stored: id_known with its first seq, and nothing of that batch is written', async () => {
    await store.append('r', [at(1, 'first')]);
    const result = await store.append('r', [at(2, 'new'), at(3, 'first')]);
    expect(result).toEqual({ ok: false, conflict: { kind: 'id_known', id: 'first', seq: formatSeq(1) } });
    expect((await store.page('r', 10)).messages.map((m) => m.id)).toEqual(['first']);
    expect(await store.lookup('r', ['new'], { consistent: true })).toEqual(new Map());
  });

  test('the same append again (a retry after a lost answer) writes nothing twice and names the same seqs', async () => {
    const batch = [at(1), at(2)];
    await store.append('r', batch);
    const again = await store.append('r', batch);
    if (!again.ok) expect(again.conflict).toEqual({ kind: 'id_known', id: 'm1', seq: formatSeq(1) });
    expect((await store.page('r', 10)).messages).toEqual([...batch].reverse());
  });

  test('a second connection (another server, or a restart) sees the same head, history and ids, and cannot overwrite them', async () => {
    await store.append('r', [at(1), at(2)]);
    const other = connect();
    expect(await other.head('r')).toBe(2n);
    expect(await other.lookup('r', ['m2'], { consistent: true })).toEqual(new Map([['m2', formatSeq(2)]]));
    expect(await other.append('r', [at(2, 'theirs')])).toMatchObject({ ok: false, conflict: { kind: 'seq_taken' } });
    expect(await other.append('r', [at(3, 'theirs')])).toEqual({ ok: true });
    expect(await store.head('r')).toBe(3n);
  });

  test('paging: newest first, `before` walks back, `more` says whether an older page exists; id records never show', async () => {
    const all = Array.from({ length: 12 }, (_, i) => at(i + 1));
    await store.append('r', all.slice(0, 6));
    await store.append('r', all.slice(6));
    const newest = await store.page('r', 5);
    expect(newest.messages.map((m) => m.seq)).toEqual(seqs([12, 11, 10, 9, 8]));
    expect(newest.more).toBe(true);
    const older = await store.page('r', 5, formatSeq(8));
    expect(older.messages.map((m) => m.seq)).toEqual(seqs([7, 6, 5, 4, 3]));
    const last = await store.page('r', 5, formatSeq(3));
    expect(last).toEqual({ messages: [at(2), at(1)], more: false });
    expect((await store.page('r', 200)).messages).toHaveLength(12);
    // An older page read eventually consistent (history's cheaper read) holds the same rows once they are settled.
    expect(await store.page('r', 5, formatSeq(8), { consistent: false })).toEqual(older);
  });

  test('lookup answers for many ids at once (more than one DynamoDB batch)', async () => {
    const many = Array.from({ length: 130 }, (_, i) => at(i + 1, `id-${i}`));
    for (let i = 0; i < many.length; i += 25) expect(await store.append('r', many.slice(i, i + 25))).toEqual({ ok: true });
    const found = await store.lookup('r', [...many.map((m) => m.id), 'id-0', 'absent'], { consistent: true });
    expect(found.size).toBe(130);
    expect(found.get('id-129')).toBe(formatSeq(130));
  });

  test('appends to several rooms at once are answered each on its own: a conflict in one room leaves the others written', async () => {
    await store.append('r', [at(1)]);
    const results = await Promise.all([
      store.append('a', [at(1, 'a1', 'a'), at(2, 'a2', 'a')]),
      store.append('r', [at(1, 'clash')]),
      store.append('b', [at(1, 'b1', 'b')]),
      store.append('r2', [at(1, 'm1', 'r2')]),
    ]);
    expect(results).toEqual([{ ok: true }, { ok: false, conflict: { kind: 'seq_taken', seq: formatSeq(1) } }, { ok: true }, { ok: true }]);
    expect((await store.page('a', 10)).messages.map((m) => m.id)).toEqual(['a2', 'a1']);
    expect((await store.page('r', 10)).messages.map((m) => m.id)).toEqual(['m1']);
    expect(await store.lookup('b', ['b1'], { consistent: true })).toEqual(new Map([['b1', formatSeq(1)]]));
    expect(await store.lookup('r', ['clash'], { consistent: true })).toEqual(new Map());
    // Written at once, and again at once (a retry after lost answers): the same seqs, nothing twice.
    const again = await Promise.all([store.append('a', [at(1, 'a1', 'a'), at(2, 'a2', 'a')]), store.append('b', [at(1, 'b1', 'b')])]);
    expect(again).toEqual([
      { ok: false, conflict: { kind: 'id_known', id: 'a1', seq: formatSeq(1) } },
      { ok: false, conflict: { kind: 'id_known', id: 'b1', seq: formatSeq(1) } },
    ]);
    expect(await store.head('a')).toBe(2n);
  });

  test('a message the store can never hold, appended with other rooms at once, is refused alone', async () => {
    const huge = { ...at(1, 'huge', 'h'), text: 'x'.repeat(450 * 1024) };
    const [bad, good] = await Promise.allSettled([store.append('h', [huge]), store.append('g', [at(1, 'fine', 'g')])]);
    expect(bad.status === 'rejected' && bad.reason instanceof UnwritableMessage).toBe(true);
    expect(good).toEqual({ status: 'fulfilled', value: { ok: true } });
    expect(await store.head('h')).toBe(0n);
    expect(await store.head('g')).toBe(1n);
  });

  test('a message the store can never hold is refused as UnwritableMessage, and nothing is written', async () => {
    const huge = { ...at(1, 'huge'), text: 'x'.repeat(450 * 1024) };
    await expect(store.append('r', [at(1, 'fine'), { ...huge, seq: formatSeq(2) }])).rejects.toBeInstanceOf(UnwritableMessage);
    expect(await store.head('r')).toBe(0n);
    expect(await store.lookup('r', ['fine'], { consistent: true })).toEqual(new Map());
  });
});
