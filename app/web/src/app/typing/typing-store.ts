import { Injectable, computed, inject, signal } from '@angular/core';
import { TYPING_EXPIRE_MS, type TypingEvent } from '@chat/protocol';
import { ActiveRoom } from '../rooms/active-room';
import { ChatSocket } from '../connection/chat-socket';
import { typingLabel } from './typing-label';

type Typists = ReadonlyMap<string, string>; // clientId → author

/**
 * Who else is typing, per room, from the server's `typing` events. Never stored: an entry ends on
 * `typing: false`, on that person's message, or when nothing was heard from them for TYPING_EXPIRE_MS.
 */
@Injectable({ providedIn: 'root' })
export class TypingStore {
  private readonly socket = inject(ChatSocket);
  private readonly active = inject(ActiveRoom);
  private readonly byRoom = signal<ReadonlyMap<string, Typists>>(new Map());
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  /** Names typing in the open room, in the order they started. */
  readonly names = computed(() => {
    const room = this.active.name();
    return room ? [...(this.byRoom().get(room)?.values() ?? [])] : [];
  });
  readonly label = computed(() => typingLabel(this.names()));

  constructor() {
    this.socket.on('typing', (e) => this.apply(e));
    // The message someone was typing has arrived: they are done (a message carries the name, not the browser).
    this.socket.on('newMessage', (m) => {
      for (const [id, author] of this.byRoom().get(m.room) ?? []) if (author === m.author) this.remove(m.room, id);
    });
  }

  apply(e: TypingEvent): void {
    if (!e || typeof e.room !== 'string' || typeof e.clientId !== 'string' || typeof e.author !== 'string') return;
    // Another tab of this browser is not "someone else typing".
    if (e.clientId === this.socket.clientId) return;
    if (!e.typing) return this.remove(e.room, e.clientId);
    const key = timerKey(e.room, e.clientId);
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => this.remove(e.room, e.clientId), TYPING_EXPIRE_MS),
    );
    this.byRoom.update((map) => {
      const typists = new Map(map.get(e.room));
      typists.set(e.clientId, e.author);
      return new Map(map).set(e.room, typists);
    });
  }

  private remove(room: string, clientId: string): void {
    const key = timerKey(room, clientId);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (!this.byRoom().get(room)?.has(clientId)) return;
    this.byRoom.update((map) => {
      const typists = new Map(map.get(room));
      typists.delete(clientId);
      const next = new Map(map);
      if (typists.size) next.set(room, typists);
      else next.delete(room);
      return next;
    });
  }
}

const timerKey = (room: string, clientId: string) => `${room}\n${clientId}`;
