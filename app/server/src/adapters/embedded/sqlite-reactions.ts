import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { MessageReactions, ReactionSummary } from '../../ports';
import { SummaryCollector } from '../reaction-summaries';

/**
 * Reactions in the SQLite history file: one row per person, emoji and message (the primary key makes a repeat a
 * no-op); counts are read by grouping, so they cannot drift from the rows.
 */
export class SqliteReactions implements MessageReactions {
  private readonly db: DatabaseSync;
  private readonly q: Record<'add' | 'remove' | 'bump' | 'versions' | 'counts' | 'mine', StatementSync>;

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    this.db.exec(`
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS reactions (
        room TEXT NOT NULL, seq TEXT NOT NULL, person TEXT NOT NULL, emoji TEXT NOT NULL,
        PRIMARY KEY (room, seq, emoji, person)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS reaction_versions (
        room TEXT NOT NULL, seq TEXT NOT NULL, version INTEGER NOT NULL,
        PRIMARY KEY (room, seq)
      ) WITHOUT ROWID;
    `);
    this.q = {
      add: this.db.prepare('INSERT OR IGNORE INTO reactions (room, seq, person, emoji) VALUES (?, ?, ?, ?)'),
      remove: this.db.prepare('DELETE FROM reactions WHERE room = ? AND seq = ? AND person = ? AND emoji = ?'),
      bump: this.db.prepare(
        'INSERT INTO reaction_versions (room, seq, version) VALUES (?, ?, 1) ON CONFLICT (room, seq) DO UPDATE SET version = version + 1',
      ),
      versions: this.db.prepare('SELECT seq, version FROM reaction_versions WHERE room = ? AND seq >= ? AND seq <= ?'),
      counts: this.db.prepare(
        'SELECT seq, emoji, COUNT(*) AS n FROM reactions WHERE room = ? AND seq >= ? AND seq <= ? GROUP BY seq, emoji',
      ),
      mine: this.db.prepare('SELECT seq, emoji FROM reactions WHERE room = ? AND seq >= ? AND seq <= ? AND person = ?'),
    };
  }

  async set(room: string, seq: string, person: string, emoji: string, on: boolean): Promise<ReactionSummary & { changed: boolean }> {
    // One transaction: the person's row and the message's version change together.
    this.db.exec('BEGIN IMMEDIATE');
    let changed: boolean;
    try {
      changed = Number((on ? this.q.add : this.q.remove).run(room, seq, person, emoji).changes) > 0;
      if (changed) this.q.bump.run(room, seq);
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
    const summary = (await this.summaries(room, [seq], person)).get(seq) ?? { counts: {}, version: 0, mine: [] };
    return { ...summary, changed };
  }

  async summaries(room: string, seqs: string[], person?: string): Promise<Map<string, ReactionSummary>> {
    const c = new SummaryCollector(seqs);
    if (!c.range) return c.out;
    const { lo, hi } = c.range;
    // A message whose reactions were all turned off again keeps its version: readers still need it to order events.
    for (const r of this.q.versions.all(room, lo, hi) as { seq: string; version: number }[]) {
      const entry = c.entry(r.seq);
      if (entry) entry.version = Number(r.version);
    }
    for (const r of this.q.counts.all(room, lo, hi) as { seq: string; emoji: string; n: number }[]) {
      const entry = c.entry(r.seq);
      if (entry) entry.counts[r.emoji] = Number(r.n);
    }
    if (person !== undefined)
      for (const r of this.q.mine.all(room, lo, hi, person) as { seq: string; emoji: string }[]) c.entry(r.seq)?.mine.push(r.emoji);
    return c.out;
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}
