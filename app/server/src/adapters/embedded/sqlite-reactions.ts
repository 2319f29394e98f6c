import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { MessageReactions, ReactionSummary } from '../../ports';

/**
 * Reactions in the SQLite history file: one row per person, emoji and message (the primary key makes a repeat a
 * no-op); counts are read by grouping, so they cannot drift from the rows.
 */
export class SqliteReactions implements MessageReactions {
  private readonly db: DatabaseSync;
  private readonly q: Record<'add' | 'remove' | 'counts' | 'mine', StatementSync>;

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    this.db.exec(`
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS reactions (
        room TEXT NOT NULL, seq TEXT NOT NULL, person TEXT NOT NULL, emoji TEXT NOT NULL,
        PRIMARY KEY (room, seq, emoji, person)
      ) WITHOUT ROWID;
    `);
    this.q = {
      add: this.db.prepare('INSERT OR IGNORE INTO reactions (room, seq, person, emoji) VALUES (?, ?, ?, ?)'),
      remove: this.db.prepare('DELETE FROM reactions WHERE room = ? AND seq = ? AND person = ? AND emoji = ?'),
      counts: this.db.prepare(
        'SELECT seq, emoji, COUNT(*) AS n FROM reactions WHERE room = ? AND seq >= ? AND seq <= ? GROUP BY seq, emoji',
      ),
      mine: this.db.prepare('SELECT seq, emoji FROM reactions WHERE room = ? AND seq >= ? AND seq <= ? AND person = ?'),
    };
  }

  async set(room: string, seq: string, person: string, emoji: string, on: boolean): Promise<ReactionSummary & { changed: boolean }> {
    const changed = Number((on ? this.q.add : this.q.remove).run(room, seq, person, emoji).changes) > 0;
    const summary = (await this.summaries(room, [seq], person)).get(seq) ?? { counts: {}, mine: [] };
    return { ...summary, changed };
  }

  async summaries(room: string, seqs: string[], person?: string): Promise<Map<string, ReactionSummary>> {
    const out = new Map<string, ReactionSummary>();
    if (seqs.length === 0) return out;
    const wanted = new Set(seqs);
    const sorted = [...wanted].sort();
    const [lo, hi] = [sorted[0]!, sorted[sorted.length - 1]!];
    const entry = (seq: string) => out.get(seq) ?? out.set(seq, { counts: {}, mine: [] }).get(seq)!;
    for (const r of this.q.counts.all(room, lo, hi) as { seq: string; emoji: string; n: number }[])
      if (wanted.has(r.seq)) entry(r.seq).counts[r.emoji] = Number(r.n);
    if (person !== undefined)
      for (const r of this.q.mine.all(room, lo, hi, person) as { seq: string; emoji: string }[])
        if (wanted.has(r.seq)) entry(r.seq).mine.push(r.emoji);
    return out;
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}
