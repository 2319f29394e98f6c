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
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly io: ChatServer,
    private readonly log: Logger,
  ) {}

  /** Someone listed came, went or changed name in `room`: broadcast its presence shortly, once per window. */
  changed(room: string): void {
    if (this.pending.has(room)) return;
    const timer = setTimeout(() => {
      this.pending.delete(room);
      this.snapshot(room).then(
        (presence) => this.io.to(room).emit('presence', presence),
        (err: unknown) => this.log.warn({ err, room }, 'presence not computed'),
      );
    }, COALESCE_MS);
    timer.unref();
    this.pending.set(room, timer);
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
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}
