import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { UnwritableMessage, type AppendResult, type HistoryPage, type MessageStore, type SequencedMessage } from '../../ports';
import { WalCheckpointer } from './wal-checkpointer';

/** DynamoDB's item limit: embedded mode refuses what aws mode would, so a message behaves the same in both. */
const MAX_ITEM_BYTES = 400 * 1024;
/** Expired id records are deleted at most this often (one indexed DELETE). */
const PRUNE_EVERY_MS = 60_000;

export interface Row {
  room: string;
  seq: string;
  id: string;
  author: string;
  text: string | null;
  image_key: string | null;
  sent_at: string;
  delete_hash: string | null;
  deleted_at: string | null;
  reply_to: string | null;
  edited_at: string | null;
  author_id: string | null;
}

/** The message columns, in the order `Row` and the inserts use. */
export const MESSAGE_COLUMNS = 'room, seq, id, author, text, image_key, sent_at, delete_hash, deleted_at, reply_to, edited_at, author_id';

/** A row as a message; NULL columns stay absent. */
export function messageOfRow(r: Row): SequencedMessage {
  return {
    id: r.id,
    room: r.room,
    author: r.author,
    seq: r.seq,
    sentAt: r.sent_at,
    ...(r.text !== null ? { text: r.text } : {}),
    ...(r.image_key !== null ? { imageKey: r.image_key } : {}),
    ...(r.delete_hash !== null ? { deleteHash: r.delete_hash } : {}),
    ...(r.deleted_at !== null ? { deletedAt: r.deleted_at } : {}),
    ...(r.reply_to !== null ? { replyTo: r.reply_to } : {}),
    ...(r.edited_at !== null ? { editedAt: r.edited_at } : {}),
    ...(r.author_id !== null ? { authorId: r.author_id } : {}),
  };
}

/**
 * History in SQLite (`node:sqlite`, built into Node: embedded mode needs nothing else). Same rules as the DynamoDB
 * store: a message row (room, seq) and its id record (room, id) are inserted in one transaction, each only if
 * absent; id records expire after the idempotency window. WAL, so readers never wait for the writer.
 */
export class SqliteStore implements MessageStore {
  private readonly db: DatabaseSync;
  private readonly q: Record<'head' | 'seqTaken' | 'idSeq' | 'insertRow' | 'insertId' | 'page' | 'pageBefore' | 'prune', StatementSync>;
  private lastPrune = 0;
  /** Checkpoints run off the event loop (see WalCheckpointer). */
  readonly checkpointer: WalCheckpointer;

  constructor(
    file: string,
    private readonly idempotencySeconds: number,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS messages (
        room TEXT NOT NULL, seq TEXT NOT NULL, id TEXT NOT NULL, author TEXT NOT NULL,
        text TEXT, image_key TEXT, sent_at TEXT NOT NULL, delete_hash TEXT, deleted_at TEXT, author_id TEXT,
        PRIMARY KEY (room, seq)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS message_ids (
        room TEXT NOT NULL, id TEXT NOT NULL, seq TEXT NOT NULL, expires_at INTEGER NOT NULL,
        PRIMARY KEY (room, id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS message_ids_expiry ON message_ids (expires_at);
    `);
    // The log is copied into the database by a worker thread, not by the commits here (their fsync stalled the loop).
    this.db.exec('PRAGMA wal_autocheckpoint = 0');
    this.checkpointer = new WalCheckpointer(file, () => {
      if (this.db.isOpen) this.db.exec('PRAGMA wal_autocheckpoint = 1000');
    });
    // A history file written before deletes, replies, edits or sign-in gains their columns.
    const columns = new Set((this.db.prepare('PRAGMA table_info(messages)').all() as { name: string }[]).map((c) => c.name));
    for (const c of ['delete_hash', 'deleted_at', 'reply_to', 'edited_at', 'author_id'])
      if (!columns.has(c)) this.db.exec(`ALTER TABLE messages ADD COLUMN ${c} TEXT`);
    const cols = MESSAGE_COLUMNS;
    this.q = {
      head: this.db.prepare('SELECT seq FROM messages WHERE room = ? ORDER BY seq DESC LIMIT 1'),
      seqTaken: this.db.prepare('SELECT 1 AS x FROM messages WHERE room = ? AND seq = ?'),
      idSeq: this.db.prepare('SELECT seq FROM message_ids WHERE room = ? AND id = ?'),
      insertRow: this.db.prepare(`INSERT INTO messages (${cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, ?)`),
      insertId: this.db.prepare('INSERT INTO message_ids (room, id, seq, expires_at) VALUES (?, ?, ?, ?)'),
      page: this.db.prepare(`SELECT ${cols} FROM messages WHERE room = ? ORDER BY seq DESC LIMIT ?`),
      pageBefore: this.db.prepare(`SELECT ${cols} FROM messages WHERE room = ? AND seq < ? ORDER BY seq DESC LIMIT ?`),
      prune: this.db.prepare('DELETE FROM message_ids WHERE expires_at < ?'),
    };
  }

  async head(room: string): Promise<bigint> {
    const row = this.q.head.get(room) as { seq: string } | undefined;
    return row ? BigInt(row.seq) : 0n;
  }

  async lookup(room: string, ids: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const id of ids) {
      const row = this.q.idSeq.get(room, id) as { seq: string } | undefined;
      if (row) found.set(id, row.seq);
    }
    return found;
  }

  async append(room: string, messages: SequencedMessage[]): Promise<AppendResult> {
    for (const m of messages) {
      if (Buffer.byteLength(JSON.stringify(m)) > MAX_ITEM_BYTES)
        throw new UnwritableMessage(`message ${m.id} is over ${MAX_ITEM_BYTES} bytes`);
    }
    this.prune();
    // IMMEDIATE takes the write lock first, so the checks and the inserts see the same database.
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const m of messages) {
        const known = this.q.idSeq.get(room, m.id) as { seq: string } | undefined;
        if (known) return this.rollback({ ok: false, conflict: { kind: 'id_known', id: m.id, seq: known.seq } });
        if (this.q.seqTaken.get(room, m.seq)) return this.rollback({ ok: false, conflict: { kind: 'seq_taken', seq: m.seq } });
        this.q.insertRow.run(
          room,
          m.seq,
          m.id,
          m.author,
          m.text ?? null,
          m.imageKey ?? null,
          m.sentAt,
          m.deleteHash ?? null,
          m.replyTo ?? null,
          m.authorId ?? null,
        );
        this.q.insertId.run(room, m.id, m.seq, Math.floor(Date.parse(m.sentAt) / 1000) + this.idempotencySeconds);
      }
      this.db.exec('COMMIT');
      return { ok: true };
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  private rollback(result: AppendResult): AppendResult {
    this.db.exec('ROLLBACK');
    return result;
  }

  private prune(): void {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    this.q.prune.run(Math.floor(now / 1000));
  }

  async page(room: string, limit: number, before?: string): Promise<HistoryPage> {
    const rows = (before === undefined
      ? this.q.page.all(room, limit + 1)
      : this.q.pageBefore.all(room, before, limit + 1)) as unknown as Row[];
    const messages = rows.slice(0, limit).map(messageOfRow);
    return { messages, more: rows.length > limit };
  }

  async ping(): Promise<void> {
    if (!this.db.isOpen) throw new Error('the history database is closed');
  }

  async close(): Promise<void> {
    await this.checkpointer.stop();
    // The last connection to close copies what is left of the log.
    if (this.db.isOpen) this.db.close();
  }
}

export const sqliteFile = (dataDir: string) => path.join(dataDir, 'history.sqlite');
