import type { MessageDeletes, MessageStore, SequencedMessage } from '../../src/ports';

/**
 * What every MessageDeletes adapter must do, over the store it shares a history with. Called from each adapter's
 * test with a factory that gives a fresh, empty history.
 */
export function messageDeletesContract(
  name: string,
  fresh: () => Promise<{ store: MessageStore; deletes: MessageDeletes }>,
  // moto evaluates a condition and writes without a lock, so concurrent conditional updates can all pass there.
  opts: { atomicConditions: boolean } = { atomicConditions: true },
): void {
  describe(`${name}: MessageDeletes contract`, () => {
    const m = (seq: number, extra: Partial<SequencedMessage> = {}): SequencedMessage => ({
      id: `m${seq}`,
      room: 'r',
      author: 'ann',
      text: `text ${seq}`,
      seq: String(seq).padStart(20, '0'),
      sentAt: new Date(1_700_000_000_000 + seq).toISOString(),
      ...extra,
    });

    test('find returns the stored row with its delete hash; nothing for another seq or room', async () => {
      const { store, deletes } = await fresh();
      const row = m(1, { deleteHash: 'ab'.repeat(32) });
      await store.append('r', [row]);
      expect(await deletes.find('r', row.seq)).toEqual(row);
      expect(await deletes.find('r', m(2).seq)).toBeUndefined();
      expect(await deletes.find('other', row.seq)).toBeUndefined();
    });

    test('markDeleted drops text and image key, keeps the rest, and history shows it so', async () => {
      const { store, deletes } = await fresh();
      const img = m(1, { text: undefined, imageKey: 'rooms/r/01ARZ3NDEKTSV4RRFFQ69G5FAV.png', deleteHash: 'cd'.repeat(32) });
      delete img.text;
      await store.append('r', [img, m(2)]);
      const at = new Date().toISOString();
      const out = await deletes.markDeleted('r', img.seq, at);
      expect(out?.before).toEqual(img);
      const { imageKey: _k, ...kept } = img;
      expect(out?.after).toEqual({ ...kept, deletedAt: at });
      expect((await store.page('r', 10)).messages).toEqual([m(2), { ...kept, deletedAt: at }]);
    });

    test('deleting again changes nothing and says it was deleted; a missing row is undefined', async () => {
      const { store, deletes } = await fresh();
      await store.append('r', [m(1)]);
      const first = await deletes.markDeleted('r', m(1).seq, '2026-01-01T00:00:00.000Z');
      const again = await deletes.markDeleted('r', m(1).seq, '2026-01-02T00:00:00.000Z');
      expect(again?.before.deletedAt).toBe('2026-01-01T00:00:00.000Z');
      expect(again?.after).toEqual(first?.after);
      expect(await deletes.markDeleted('r', m(9).seq, '2026-01-01T00:00:00.000Z')).toBeUndefined();
      expect(await deletes.find('r', m(9).seq)).toBeUndefined();
    });

    (opts.atomicConditions ? test : test.skip)('two deletes at once: exactly one of them deleted the row', async () => {
      const { store, deletes } = await fresh();
      await store.append('r', [m(1)]);
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => deletes.markDeleted('r', m(1).seq, `2026-01-0${i + 1}T00:00:00.000Z`)));
      expect(results.filter((r) => r?.before.deletedAt === undefined)).toHaveLength(1);
      const deletedAt = results.find((r) => r?.before.deletedAt === undefined)!.after.deletedAt;
      for (const r of results) expect(r?.after.deletedAt).toBe(deletedAt);
    });
  });
}
