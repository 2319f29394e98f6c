import { TimeoutError } from '../util/timeout';
import { Waiters } from './sequencer-waiters';

describe('Waiters', () => {
  test('settle resolves everyone waiting for that room and id, and nobody else', async () => {
    const w = new Waiters();
    const a = w.wait('r', 'm', 5000);
    const b = w.wait('r', 'm', 5000);
    const other = w.wait('s', 'm', 50);
    w.settle('r', 'm', '7');
    expect(await a.done).toBe('7');
    expect(await b.done).toBe('7');
    await expect(other.done).rejects.toBeInstanceOf(TimeoutError);
    expect(w.size).toBe(0);
  });

  test('cancel forgets the waiter; a settle with nobody waiting is a no-op', async () => {
    const w = new Waiters();
    const a = w.wait('r', 'm', 5000);
    a.cancel();
    w.settle('r', 'm', '1');
    expect(w.size).toBe(0);
  });
});
