import { randomBytes } from 'node:crypto';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { InviteRecord, InviteRefusal, Memberships, PrivateRoom, RoomMemberRecord } from '../../ports';
import { inviteRefusal } from '../invite-refusal';

interface InviteRow {
  id: string;
  room: string;
  expires_at: string;
  single_use: number;
  created_by: string;
  revoked_at: string | null;
  used_at: string | null;
}

const inviteOfRow = (r: InviteRow): InviteRecord => ({
  id: r.id,
  room: r.room,
  expiresAt: r.expires_at,
  singleUse: r.single_use === 1,
  createdBy: r.created_by,
  ...(r.revoked_at !== null ? { revokedAt: r.revoked_at } : {}),
  ...(r.used_at !== null ? { usedAt: r.used_at } : {}),
});

const roomOfRow = (r: { room: string; created_by: string; created_at: string }): PrivateRoom => ({
  room: r.room,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/**
 * Private rooms, members and invites in the embedded mode's SQLite file, beside the history, on a connection of its
 * own. Each write that two requests could race on is one statement or one IMMEDIATE transaction.
 */
export class SqliteMemberships implements Memberships {
  private readonly db: DatabaseSync;
  private readonly q: Record<string, StatementSync>;

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    this.db.exec(`
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS private_rooms (room TEXT PRIMARY KEY, created_by TEXT NOT NULL, created_at TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS room_members (
        room TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (room, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS room_members_user ON room_members (user_id, room);
      CREATE TABLE IF NOT EXISTS room_invites (
        room TEXT NOT NULL, id TEXT NOT NULL, expires_at TEXT NOT NULL, single_use INTEGER NOT NULL, created_by TEXT NOT NULL,
        revoked_at TEXT, used_at TEXT, PRIMARY KEY (room, id)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
    `);
    this.q = {
      createRoom: this.db.prepare('INSERT INTO private_rooms (room, created_by, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      room: this.db.prepare('SELECT room, created_by, created_at FROM private_rooms WHERE room = ?'),
      rooms: this.db.prepare('SELECT room, created_by, created_at FROM private_rooms ORDER BY room LIMIT ?'),
      isMember: this.db.prepare('SELECT 1 AS x FROM room_members WHERE room = ? AND user_id = ?'),
      addMember: this.db.prepare(
        'INSERT INTO room_members (room, user_id, name) VALUES (?, ?, ?) ON CONFLICT (room, user_id) DO UPDATE SET name = excluded.name',
      ),
      removeMember: this.db.prepare('DELETE FROM room_members WHERE room = ? AND user_id = ?'),
      members: this.db.prepare('SELECT user_id, name FROM room_members WHERE room = ? ORDER BY name, user_id LIMIT ?'),
      roomsOf: this.db.prepare('SELECT room FROM room_members WHERE user_id = ? ORDER BY room LIMIT ?'),
      createInvite: this.db.prepare('INSERT INTO room_invites (room, id, expires_at, single_use, created_by) VALUES (?, ?, ?, ?, ?)'),
      invite: this.db.prepare('SELECT * FROM room_invites WHERE room = ? AND id = ?'),
      invites: this.db.prepare('SELECT * FROM room_invites WHERE room = ? ORDER BY expires_at, id'),
      revoke: this.db.prepare('UPDATE room_invites SET revoked_at = ? WHERE room = ? AND id = ? AND revoked_at IS NULL'),
      use: this.db.prepare('UPDATE room_invites SET used_at = ? WHERE room = ? AND id = ? AND used_at IS NULL'),
      secret: this.db.prepare('SELECT value FROM secrets WHERE name = ?'),
      putSecret: this.db.prepare('INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    };
  }

  private run<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const out = work();
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  async createRoom(room: PrivateRoom, creator: RoomMemberRecord): Promise<boolean> {
    return this.run(() => {
      if (this.q.createRoom!.run(room.room, room.createdBy, room.createdAt).changes === 0) return false;
      this.q.addMember!.run(room.room, creator.id, creator.name);
      return true;
    });
  }

  async privateRoom(room: string): Promise<PrivateRoom | undefined> {
    const row = this.q.room!.get(room) as { room: string; created_by: string; created_at: string } | undefined;
    return row ? roomOfRow(row) : undefined;
  }

  async privateRooms(limit: number): Promise<PrivateRoom[]> {
    return (this.q.rooms!.all(limit) as { room: string; created_by: string; created_at: string }[]).map(roomOfRow);
  }

  async isMember(room: string, userId: string): Promise<boolean> {
    return this.q.isMember!.get(room, userId) !== undefined;
  }

  async addMember(room: string, member: RoomMemberRecord): Promise<void> {
    this.q.addMember!.run(room, member.id, member.name);
  }

  async removeMember(room: string, userId: string): Promise<boolean> {
    return this.q.removeMember!.run(room, userId).changes > 0;
  }

  async members(room: string, limit: number): Promise<RoomMemberRecord[]> {
    return (this.q.members!.all(room, limit) as { user_id: string; name: string }[]).map((r) => ({ id: r.user_id, name: r.name }));
  }

  async roomsOf(userId: string, limit: number): Promise<string[]> {
    return (this.q.roomsOf!.all(userId, limit) as { room: string }[]).map((r) => r.room);
  }

  async createInvite(invite: InviteRecord): Promise<void> {
    this.q.createInvite!.run(invite.room, invite.id, invite.expiresAt, invite.singleUse ? 1 : 0, invite.createdBy);
  }

  async invite(room: string, id: string): Promise<InviteRecord | undefined> {
    const row = this.q.invite!.get(room, id) as InviteRow | undefined;
    return row ? inviteOfRow(row) : undefined;
  }

  async invites(room: string): Promise<InviteRecord[]> {
    return (this.q.invites!.all(room) as unknown as InviteRow[]).map(inviteOfRow);
  }

  async revokeInvite(room: string, id: string, at: string): Promise<void> {
    this.q.revoke!.run(at, room, id);
  }

  async useInvite(room: string, id: string, at: string): Promise<{ ok: true } | { ok: false; reason: InviteRefusal }> {
    return this.run(() => {
      const row = this.q.invite!.get(room, id) as InviteRow | undefined;
      const refused = row ? inviteRefusal(inviteOfRow(row), at) : 'unknown';
      if (refused) return { ok: false, reason: refused };
      if (row!.single_use === 1) this.q.use!.run(at, room, id);
      return { ok: true };
    });
  }

  async signingSecret(): Promise<Buffer> {
    this.q.putSecret!.run('signing', randomBytes(32));
    const row = this.q.secret!.get('signing') as { value: Uint8Array };
    return Buffer.from(row.value);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}
