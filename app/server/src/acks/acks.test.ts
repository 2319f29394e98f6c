import { TimeoutError } from '../util/timeout';
import { Acks } from './acks';

const noStore = { lookup: () => Promise.resolve(new Map<string, string>()) };

describe('Acks', () => {
  test('settle resolves everyone waiting for that room and id, and nobody else', async () => {
    const acks = new Acks(noStore);
    const a = acks.wait('r', 'm', 5000);
    const b = acks.wait('r', 'm', 5000);
    const other = acks.wait('s', 'm', 50);
    acks.settle('r', 'm', '7');
    expect(await a.done).toBe('7');
    expect(await b.done).toBe('7');
    await expect(other.done).rejects.toBeInstanceOf(TimeoutError);
    expect(acks.size).toBe(0);
  });

  test('cancel forgets the waiter; a settle with nobody waiting is a no-op', async () => {
    const acks = new Acks(noStore);
    const a = acks.wait('r', 'm', 5000);
    a.cancel();
    acks.settle('r', 'm', '1');
    expect(acks.size).toBe(0);
  });

  test('ids asked together while a look-up is in flight go in one look-up; found ones are cached', async () => {
    const asked: string[][] = [];
    let answer!: () => void;
    const store = {
      lookup: async (_room: string, ids: string[]) => {
        asked.push(ids);
        if (asked.length === 1) await new Promise<void>((r) => (answer = r));
        return new Map(ids.filter((id) => id !== 'new').map((id) => [id, `seq-${id}`]));
      },
    };
    const acks = new Acks(store);
    const first = acks.ids.known('r', 'a');
    await new Promise((r) => setImmediate(r));
    const later = ['b', 'c', 'new'].map((id) => acks.ids.known('r', id));
    answer();
    expect(await first).toBe('seq-a');
    expect(await Promise.all(later)).toEqual(['seq-b', 'seq-c', undefined]);
    expect(asked).toEqual([['a'], ['b', 'c', 'new']]);
    expect(acks.ids.cached('r', 'b')).toBe('seq-b');
    expect(acks.ids.cached('r', 'new')).toBeUndefined();
  });
});
