import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqliteDeletes } from './sqlite-deletes';
import { SqliteStore } from './sqlite-store';

test('a history file from before deletes gains their columns and keeps its messages', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-sqlite-old-'));
  const file = path.join(dir, 'history.sqlite');
  try {
    // The table as the first node:sqlite store created it, before deletes existed.
    const old = new DatabaseSync(file);
    old.exec(`CREATE TABLE messages (
      room TEXT NOT NULL, seq TEXT NOT NULL, id TEXT NOT NULL, author TEXT NOT NULL,
      text TEXT, image_key TEXT, sent_at TEXT NOT NULL, PRIMARY KEY (room, seq)) WITHOUT ROWID`);
    old
      .prepare('INSERT INTO messages VALUES (?, ?, ?, ?, ?, NULL, ?)')
      .run('r', '00000000000000000001', 'm1', 'ann', 'old text', '2026-01-01T00:00:00.000Z');
    old.close();

    const store = new SqliteStore(file, 86400);
    const deletes = new SqliteDeletes(file);
    const row = { id: 'm1', room: 'r', author: 'ann', text: 'old text', seq: '00000000000000000001', sentAt: '2026-01-01T00:00:00.000Z' };
    expect((await store.page('r', 10)).messages).toEqual([row]);
    expect((await deletes.markDeleted('r', row.seq, '2026-01-02T00:00:00.000Z'))?.after).toEqual({
      ...row,
      text: undefined,
      deletedAt: '2026-01-02T00:00:00.000Z',
    });
    await deletes.close();
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
