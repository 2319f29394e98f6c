import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { EditResult, MessageEdits } from '../../ports';
import { nextEditedAt } from '../edit-time';
import { MESSAGE_COLUMNS, messageOfRow, type Row } from './sqlite-store';

/**
 * Editing a message in the SQLite history, on a connection of its own (as SqliteDeletes). Read and update run in one
 * IMMEDIATE transaction: the edits of a row are serialised by the database's write lock.
 */
export class SqliteEdits implements MessageEdits {
  private readonly db: DatabaseSync;
  private readonly q: Record<'find' | 'edit', StatementSync>;

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA busy_timeout = 5000;');
    this.q = {
      find: this.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND seq = ?`),
      edit: this.db.prepare('UPDATE messages SET text = ?, edited_at = ? WHERE room = ? AND seq = ?'),
    };
  }

  async edit(room: string, seq: string, text: string, at: Date): Promise<EditResult> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const found = this.q.find.get(room, seq) as Row | undefined;
      const result = this.decide(found, room, seq, text, at);
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  private decide(found: Row | undefined, room: string, seq: string, text: string, at: Date): EditResult {
    if (!found) return { ok: false, reason: 'not_found' };
    const row = messageOfRow(found);
    if (row.deletedAt !== undefined) return { ok: false, reason: 'deleted', row };
    if (row.text === undefined) return { ok: false, reason: 'not_text', row };
    if (row.text === text) return { ok: true, row, changed: false };
    const editedAt = nextEditedAt(row.editedAt, at);
    this.q.edit.run(text, editedAt, room, seq);
    return { ok: true, row: { ...row, text, editedAt }, changed: true };
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}
