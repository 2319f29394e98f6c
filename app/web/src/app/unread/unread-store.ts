import { Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import { compareSeq, type ChatMessage } from '@chat/protocol';
import { RoomMessages } from '../messages/room-messages';
import { ActiveRoom } from '../rooms/active-room';
import { HistoryClient } from '../messages/history-client';
import { isDeleted } from '../messages/message-merge';
import { ChatSocket } from '../connection/chat-socket';
import { PageVisibility } from '../shared/page-visibility';
import { RoomListStore } from '../rooms/room-list-store';
import { IdentityStore } from '../identity/identity-store';
import { mentions } from '../shared/mentions';

const KEY = 'chat.lastRead';
/** How far back the count from history looks after being away; more shows as "100+". */
export const UNREAD_PAGE = 100;

export interface Unread {
  count: number;
  /** There were more than could be counted. */
  more: boolean;
  /** Of those, the ones that mention the reader (`@name`). */
  mentions: number;
}

/**
 * Unread messages per room: others' messages after the last `seq` read there (kept in localStorage per room).
 * Counted from live messages while the reader is in another room or another tab, and from history after
 * being away. The open room of a visible tab is read as it arrives.
 */
@Injectable({ providedIn: 'root' })
export class UnreadStore {
  private readonly socket = inject(ChatSocket);
  private readonly messages = inject(RoomMessages);
  private readonly active = inject(ActiveRoom);
  private readonly history = inject(HistoryClient);
  private readonly roomList = inject(RoomListStore);
  private readonly page = inject(PageVisibility);
  private readonly lastRead = new Map<string, string>(Object.entries(readLastRead()));
  /** Unread ids per room (ids, so a message seen both live and in history counts once). */
  private readonly unreadIds = signal<ReadonlyMap<string, ReadonlySet<string>>>(new Map());
  private readonly overflow = signal<ReadonlySet<string>>(new Set());
  /** Ids of unread messages that mention the reader, in any room. */
  private readonly mentionIds = signal<ReadonlySet<string>>(new Set());
  private readonly identity = inject(IdentityStore);

  /** Where "New messages" goes in the open room: after this seq (the last one read before entering). */
  readonly divider = signal<{ room: string; after: string } | null>(null);
  private seen: { room: string | null; visible: boolean } = { room: null, visible: false };

  readonly byRoom = computed<ReadonlyMap<string, Unread>>(() => {
    const out = new Map<string, Unread>();
    const mentioned = this.mentionIds();
    for (const [room, ids] of this.unreadIds())
      if (ids.size)
        out.set(room, { count: ids.size, more: this.overflow().has(room), mentions: [...ids].filter((id) => mentioned.has(id)).length });
    return out;
  });
  readonly total = computed(() => [...this.byRoom().values()].reduce((n, u) => n + u.count, 0));

  constructor() {
    this.socket.on('newMessage', (m) => this.onLive(m));
    this.socket.on('messageDeleted', (e) => this.drop(e.room, e.id));
    this.socket.on('connect', (recovered) => {
      // A restored session replayed what was missed; a new one may have missed anything.
      if (!recovered) void this.countFromHistory();
    });
    if (this.socket.connected) void this.countFromHistory();
    // While the open room is in view, what it shows is read. On entering it, or on coming back to the tab,
    // the last seq read until then is where its "New messages" line goes.
    effect(() => {
      const room = this.active.name();
      const visible = this.page.visible();
      const seq = room ? this.messages.room(room).lastSeq() : undefined;
      untracked(() => {
        const previous = this.seen;
        this.seen = { room, visible };
        if (!room || !visible) return;
        const after = this.lastRead.get(room);
        if (room !== previous.room) this.divider.set(after ? { room, after } : null);
        else if (!previous.visible && after && this.unreadIds().get(room)?.size) this.divider.set({ room, after });
        this.clear(room);
        if (seq) this.markRead(room, seq);
      });
    });
  }

  /** Counts from history the rooms not open, for a reader who was away (called on each new session). */
  async countFromHistory(): Promise<void> {
    const active = this.active.name();
    await Promise.all(
      this.roomList
        .rooms()
        .filter((room) => room !== active)
        .map(async (room) => {
          try {
            const page = await this.history.page(room, { limit: UNREAD_PAGE });
            // Opened meanwhile: it is being read.
            if (room === this.active.name() && this.page.visible()) return;
            const fresh = page.messages.filter((m) => this.counts(m));
            for (const m of fresh) this.add(room, m);
            if (page.nextBefore && fresh.length === page.messages.length && fresh.length > 0)
              this.overflow.update((s) => new Set(s).add(room));
          } catch {
            /* history unreachable: live messages still count, and the next session tries again */
          }
        }),
    );
  }

  /** The room was read up to `seq`. */
  markRead(room: string, seq: string): void {
    const last = this.lastRead.get(room);
    if (last && compareSeq(last, seq) >= 0) return;
    this.lastRead.set(room, seq);
    saveLastRead(this.lastRead);
  }

  clear(room: string): void {
    if (!this.unreadIds().has(room) && !this.overflow().has(room)) return;
    this.unreadIds.update((map) => {
      const next = new Map(map);
      next.delete(room);
      return next;
    });
    this.overflow.update((s) => {
      const next = new Set(s);
      next.delete(room);
      return next;
    });
  }

  private onLive(m: ChatMessage): void {
    if (!m || typeof m.room !== 'string') return;
    if (m.room === this.active.name() && this.page.visible()) return; // read as it arrives (effect above)
    if (this.counts(m)) this.add(m.room, m);
  }

  /** Someone else's message, not deleted, after the last one read. */
  private counts(m: ChatMessage): boolean {
    if (isDeleted(m) || this.messages.room(m.room).isOwn(m.id)) return false;
    const last = this.lastRead.get(m.room);
    return !last || compareSeq(m.seq, last) > 0;
  }

  private add(room: string, { id, text }: ChatMessage): void {
    if (this.unreadIds().get(room)?.has(id)) return;
    if (mentions(text, this.identity.name())) this.mentionIds.update((s) => new Set(s).add(id));
    this.unreadIds.update((map) => new Map(map).set(room, new Set(map.get(room)).add(id)));
  }

  private drop(room: string, id: string): void {
    if (!this.unreadIds().get(room)?.has(id)) return;
    this.unreadIds.update((map) => {
      const ids = new Set(map.get(room));
      ids.delete(id);
      return new Map(map).set(room, ids);
    });
  }
}

function readLastRead(): Record<string, string> {
  try {
    const value: unknown = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '{}');
    if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
    return Object.fromEntries(
      Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string' && /^[0-9]{1,20}$/.test(e[1])),
    );
  } catch {
    return {};
  }
}

function saveLastRead(map: Map<string, string>): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(Object.fromEntries(map)));
  } catch {
    /* storage off: unread counts still work for this page */
  }
}
