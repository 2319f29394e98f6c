import { formatSeq } from '@chat/protocol';
import type { MessageDeletes, MessageStore, SequencedMessage } from '../../src/ports';
import { ADAPTERS, AdapterBackend } from './adapters';

const m = (n: number, extra: Partial<SequencedMessage> = {}): SequencedMessage => ({
  id: `m${n}`,
  room: 'r',
  author: 'ann',
  text: `text ${n}`,
  seq: formatSeq(n),
  sentAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  ...extra,
});

/** The MessageDeletes port, over each store's own history: SQLite (embedded) and DynamoDB (moto). */
describe.each(ADAPTERS)('MessageDeletes contract: %s', (kind) => {
  const backend = new AdapterBackend(kind);
  let store: MessageStore;
  let deletes: MessageDeletes;
  beforeAll(() => backend.setup(), 60_000);
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    const opened = await backend.store();
    store = opened.store;
    deletes = opened.deletes();
  });

  test('find returns the stored row with its delete hash; nothing for another seq or room', async () => {
    const row = m(1, { deleteHash: 'ab'.repeat(32) });
    expect(await store.append('r', [row])).toEqual({ ok: true });
    expect(await deletes.find('r', row.seq)).toEqual(row);
    expect(await deletes.find('r', formatSeq(2))).toBeUndefined();
    expect(await deletes.find('other', row.seq)).toBeUndefined();
  });

  test('markDeleted drops text and image key, keeps the rest (hash included), and history shows it so', async () => {
    const { text: _t, ...img } = m(1, { imageKey: 'rooms/r/01ARZ3NDEKTSV4RRFFQ69G5FAV.png', deleteHash: 'cd'.repeat(32) });
    await store.append('r', [img, m(2)]);
    const at = new Date().toISOString();
    const out = await deletes.markDeleted('r', img.seq, at);
    expect(out?.before).toEqual(img);
    const { imageKey: _k, ...kept } = img;
    expect(out?.after).toEqual({ ...kept, deletedAt: at });
    expect((await store.page('r', 10)).messages).toEqual([m(2), { ...kept, deletedAt: at }]);
    // The room's order and its ids are untouched: the next message still follows, a retry is still recognised.
    expect(await store.head('r')).toBe(2n);
    expect(await store.lookup('r', ['m1'], { consistent: true })).toEqual(new Map([['m1', img.seq]]));
  });

  test('deleting again changes nothing and says it was deleted; a missing row is undefined', async () => {
    await store.append('r', [m(1)]);
    const first = await deletes.markDeleted('r', m(1).seq, '2026-01-01T00:00:00.000Z');
    const again = await deletes.markDeleted('r', m(1).seq, '2026-01-02T00:00:00.000Z');
    expect(again?.before.deletedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(again?.after).toEqual(first?.after);
    expect(await deletes.markDeleted('r', formatSeq(9), '2026-01-01T00:00:00.000Z')).toBeUndefined();
    expect(await deletes.find('r', formatSeq(9))).toBeUndefined();
  });

  test('several deletes at once: exactly one of them deleted the row', async () => {
    await store.append('r', [m(1)]);
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => deletes.markDeleted('r', m(1).seq, `2026-01-0${i + 1}T00:00:00.000Z`)),
    );
    expect(results.filter((r) => r?.before.deletedAt === undefined)).toHaveLength(1);
    const deletedAt = results.find((r) => r?.before.deletedAt === undefined)!.after.deletedAt;
    for (const r of results) expect(r?.after.deletedAt).toBe(deletedAt);
  });
});
