import { Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import type { PresenceEvent, PresenceMember } from '@chat/protocol';
import { ChatSocket } from '../connection/chat-socket';
import { ActiveRoom } from '../rooms/active-room';

export interface RoomPresence {
  /** One entry per browser, sorted by name; this browser first. */
  members: PresenceMember[];
  count: number;
}

/**
 * Who is online in the open room, as the server reports it (`presence` after every join, leave, identify
 * or disconnect; `getPresence` when the room is opened or the connection comes back).
 */
@Injectable({ providedIn: 'root' })
export class PresenceStore {
  private readonly socket = inject(ChatSocket);
  private readonly active = inject(ActiveRoom);
  private readonly byRoom = signal<ReadonlyMap<string, RoomPresence>>(new Map());

  /** The open room's presence; null until the server said. */
  readonly current = computed(() => {
    const room = this.active.name();
    return room ? (this.byRoom().get(room) ?? null) : null;
  });

  constructor() {
    this.socket.on('presence', (e) => this.apply(e));
    this.socket.on('connect', () => void this.refresh());
    effect(() => {
      if (this.active.name()) untracked(() => void this.refresh());
    });
  }

  /** Asks the server for the open room's members (the join's own broadcast may have raced the view). */
  async refresh(): Promise<void> {
    const room = this.active.name();
    if (!room) return;
    const ack = await this.socket.getPresence(room);
    if (ack.ok) this.apply(ack);
  }

  apply(e: PresenceEvent): void {
    if (!e || typeof e.room !== 'string' || !Array.isArray(e.members)) return;
    const me = this.socket.clientId;
    // The server deduplicates by browser already; this keeps a faulty frame from listing anyone twice.
    const seen = new Map<string, PresenceMember>();
    for (const m of e.members) if (m && typeof m.clientId === 'string' && typeof m.author === 'string') seen.set(m.clientId, m);
    const members = [...seen.values()].sort((a, b) => (a.clientId === me ? -1 : b.clientId === me ? 1 : a.author.localeCompare(b.author)));
    const count = typeof e.count === 'number' ? Math.max(e.count, members.length) : members.length;
    this.byRoom.update((map) => new Map(map).set(e.room, { members, count }));
  }
}
