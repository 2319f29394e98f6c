import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { formatSeq } from '@chat/protocol';
import { SqliteStore } from './sqlite-store';
import { WalCheckpointer } from './wal-checkpointer';

const until = async (cond: () => boolean, what: string) => {
  // Behaviour, not timing: generous, for a busy machine.
  for (let i = 0; i < 600 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!cond()) throw new Error(`never: ${what}`);
};

describe('WalCheckpointer', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-wal-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the store commits without checkpointing, and the worker copies the log into the database', async () => {
    const file = path.join(dir, 'h.sqlite');
    const store = new SqliteStore(file, 86400);
    try {
      const probe = new DatabaseSync(file);
      expect(probe.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      probe.close();
      for (let i = 1; i <= 50; i++) {
        const result = await store.append('r', [
          { id: `m${i}`, room: 'r', author: 'a', text: 'x'.repeat(2000), seq: formatSeq(i), sentAt: new Date().toISOString() },
        ]);
        expect(result).toEqual({ ok: true });
      }
      await until(() => store.checkpointer.copies > 0, 'a checkpoint copied frames');
      expect(await store.head('r')).toBe(50n);
    } finally {
      await store.close();
    }
    // Closed: everything is in the database file itself; a new connection sees it all.
    const again = new SqliteStore(file, 86400);
    expect(await again.head('r')).toBe(50n);
    await again.close();
  });

  test('a checkpointer that cannot run says so once, so the store can checkpoint by itself again', async () => {
    const failures: Error[] = [];
    const c = new WalCheckpointer(path.join(dir, 'missing', 'h.sqlite'), (err) => failures.push(err), 10);
    await until(() => failures.length > 0, 'the failure was reported');
    await new Promise((r) => setTimeout(r, 100));
    expect(failures).toHaveLength(1);
    await c.stop();
  });
});
