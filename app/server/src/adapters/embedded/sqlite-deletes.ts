import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { MessageDeletes, SequencedMessage } from '../../ports';
import { MESSAGE_COLUMNS, messageOfRow, type Row } from './sqlite-store';

/**
 * Deleting a message in the SQLite history, on a connection of its own to the file SqliteStore created (WAL: the
 * two never wait for each other). Read and update run in one IMMEDIATE transaction, so a delete changes a row once.
 */
export class SqliteDeletes implements MessageDeletes {
  private readonly db: DatabaseSync;
  private readonly q: Record<'find' | 'markDeleted', StatementSync>;

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA busy_timeout = 5000;');
    this.q = {
      find: this.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND seq = ?`),
      markDeleted: this.db.prepare(
        'UPDATE messages SET deleted_at = ?, text = NULL, image_key = NULL WHERE room = ? AND seq = ? AND deleted_at IS NULL',
      ),
    };
  }

  async find(room: string, seq: string): Promise<SequencedMessage | undefined> {
    const row = this.q.find.get(room, seq) as Row | undefined;
    return row ? messageOfRow(row) : undefined;
  }

  async markDeleted(
    room: string,
    seq: string,
    deletedAt: string,
  ): Promise<{ before: SequencedMessage; after: SequencedMessage } | undefined> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const row = this.q.find.get(room, seq) as Row | undefined;
      if (row && row.deleted_at === null) this.q.markDeleted.run(deletedAt, room, seq);
      const now = this.q.find.get(room, seq) as Row | undefined;
      this.db.exec('COMMIT');
      return row && now ? { before: messageOfRow(row), after: messageOfRow(now) } : undefined;
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}
