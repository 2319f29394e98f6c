import { PRESENCE_MEMBERS_MAX, type PresenceEvent, type PresenceMember } from '@chat/protocol';
import type { Logger } from '../logger';
import { isListed, type SocketData } from './identity';
import type { ChatServer } from './socket';

/** Changes in a room within this window make one presence update (a page of tabs reconnecting at once, say). */
const COALESCE_MS = 150;

/**
 * Who is in a room, computed when asked from the sockets themselves (`fetchSockets`, which asks every server
 * once an adapter spans several), never from a list of our own that could drift from the truth.
 */
export class Presence {
  /** Per room with an update coming: its timer, or `running` while computed, or `dirty` if it changed meanwhile. */
  private readonly pending = new Map<string, NodeJS.Timeout | 'running' | 'dirty'>();
  private closed = false;

  constructor(
    private readonly io: ChatServer,
    private readonly log: Logger,
  ) {}

  /**
   * Someone listed came, went or changed name in `room`: broadcast its presence shortly, once per window. One
   * computation per room at a time, so a slow one can never be emitted after a newer one.
   */
  changed(room: string): void {
    const state = this.pending.get(room);
    if (state === undefined) this.schedule(room);
    else if (state === 'running') this.pending.set(room, 'dirty');
  }

  private schedule(room: string): void {
    if (this.closed) return;
    const timer = setTimeout(() => void this.run(room), COALESCE_MS);
    timer.unref();
    this.pending.set(room, timer);
  }

  private async run(room: string): Promise<void> {
    this.pending.set(room, 'running');
    try {
      const presence = await this.snapshot(room);
      if (!this.closed) this.io.to(room).emit('presence', presence);
    } catch (err) {
      this.log.warn({ err, room }, 'presence not computed');
    }
    if (this.pending.get(room) === 'dirty') this.schedule(room);
    else this.pending.delete(room);
  }

  async snapshot(room: string): Promise<PresenceEvent> {
    const sockets = await this.io.in(room).fetchSockets();
    // Tabs of one browser share a clientId: one member, under the name it set last.
    const byClient = new Map<string, { author: string; at: number }>();
    for (const s of sockets) {
      const data = s.data as SocketData;
      if (!isListed(data)) continue;
      const seen = byClient.get(data.clientId);
      if (!seen || data.identifiedAt > seen.at) byClient.set(data.clientId, { author: data.author, at: data.identifiedAt });
    }
    const members: PresenceMember[] = [...byClient].map(([clientId, { author }]) => ({ clientId, author }));
    members.sort((a, b) => a.author.localeCompare(b.author) || (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0));
    return { room, members: members.slice(0, PRESENCE_MEMBERS_MAX), count: members.length };
  }

  close(): void {
    this.closed = true;
    for (const state of this.pending.values()) if (typeof state !== 'string') clearTimeout(state);
    this.pending.clear();
  }
}
