import { Injectable, signal } from '@angular/core';
import { DEFAULT_ROOM, ROOM_PATTERN } from '@chat/protocol';

const KEY = 'chat.rooms';
/** Every listed room is joined (for its unread count); a bound keeps that, and the server's ledger, small. */
export const MAX_ROOMS = 20;

/** The rooms this browser joined, kept in localStorage; the default room is always there, first. */
@Injectable({ providedIn: 'root' })
export class RoomListStore {
  readonly rooms = signal<readonly string[]>(read());

  add(room: string): void {
    if (this.rooms().includes(room) || !ROOM_PATTERN.test(room)) return;
    // Over the bound, the oldest other room makes way (the default room never does).
    const others = this.rooms().filter((r) => r !== DEFAULT_ROOM);
    this.save([DEFAULT_ROOM, ...[...others, room].slice(-(MAX_ROOMS - 1))]);
  }

  remove(room: string): void {
    if (room === DEFAULT_ROOM) return;
    this.save(this.rooms().filter((r) => r !== room));
  }

  private save(rooms: string[]): void {
    this.rooms.set(rooms);
    try {
      localStorage.setItem(KEY, JSON.stringify(rooms));
    } catch {
      /* private mode: the list lasts for this page */
    }
  }
}

function read(): string[] {
  let stored: unknown = [];
  try {
    stored = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '[]');
  } catch {
    /* malformed or storage off: start from the default room */
  }
  const rooms = Array.isArray(stored)
    ? stored.filter((r): r is string => typeof r === 'string' && ROOM_PATTERN.test(r) && r !== DEFAULT_ROOM)
    : [];
  return [DEFAULT_ROOM, ...new Set(rooms)].slice(0, MAX_ROOMS);
}
