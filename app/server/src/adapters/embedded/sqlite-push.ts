import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { PushLevel } from '@chat/protocol';
import type { PushSubscriptions, PushTarget } from '../../ports';

/** Web Push subscriptions in the history file: one row per subscription and room, replaced together. */
export class SqlitePush implements PushSubscriptions {
  private readonly db: DatabaseSync;
  private readonly q: Record<'remove' | 'add' | 'forRoom', StatementSync>;

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    this.db.exec(`
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS push_subscriptions (
        room TEXT NOT NULL, endpoint TEXT NOT NULL, level TEXT NOT NULL, target TEXT NOT NULL,
        PRIMARY KEY (room, endpoint)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS push_subscriptions_endpoint ON push_subscriptions (endpoint);
    `);
    this.q = {
      remove: this.db.prepare('DELETE FROM push_subscriptions WHERE endpoint = ?'),
      add: this.db.prepare('INSERT INTO push_subscriptions (room, endpoint, level, target) VALUES (?, ?, ?, ?)'),
      forRoom: this.db.prepare('SELECT level, target FROM push_subscriptions WHERE room = ?'),
    };
  }

  async put(target: PushTarget, rooms: Record<string, PushLevel>): Promise<void> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.q.remove.run(target.endpoint);
      const json = JSON.stringify(target);
      for (const [room, level] of Object.entries(rooms)) this.q.add.run(room, target.endpoint, level, json);
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  async remove(endpoint: string): Promise<void> {
    this.q.remove.run(endpoint);
  }

  async forRoom(room: string): Promise<(PushTarget & { level: PushLevel })[]> {
    return (this.q.forRoom.all(room) as { level: PushLevel; target: string }[]).map((r) => ({
      ...(JSON.parse(r.target) as PushTarget),
      level: r.level,
    }));
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}
