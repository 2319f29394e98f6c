import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { DEFAULT_ROOM, HISTORY_LIMIT_MAX, compareSeq, type ChatMessage, type ErrorBody } from '@chat/protocol';
import { ChatSocket } from '../connection/chat-socket';
import { ActiveRoom } from '../rooms/active-room';
import { RoomListStore } from '../rooms/room-list-store';
import { HistoryClient } from './history-client';
import { RoomStore } from './room-store';

/** How far a catch-up walks back before it settles for the newest pages. */
const CATCH_UP_MAX_PAGES = 10;
/** A refused join while connected is tried again after this long (a reconnect tries at once). */
export const JOIN_RETRY_MS = 3000;
/** How long the page's first room read waits for the first connect, so that it can start after the join. */
export const FIRST_CONNECT_WAIT_MS = 1500;

/**
 * The messages of every room this tab shows: one RoomStore per room, filled from history and, for the open room,
 * from live messages; the server's room membership kept in step with the room list. Every listed room is joined
 * (their live messages count as unread), but only the open room's store takes live messages, so other rooms'
 * stores stay gap-free up to where they were left and a catch-up on return fills the rest. This tab's own sends
 * are SendStore's.
 */
@Injectable({ providedIn: 'root' })
export class RoomMessages {
  private readonly socket = inject(ChatSocket);
  private readonly history = inject(HistoryClient);
  private readonly roomList = inject(RoomListStore);
  private readonly active = inject(ActiveRoom);
  private readonly rooms = new Map<string, RoomStore>();
  private readonly catchUps = new Map<string, { job: Promise<void>; epoch: number; joined: boolean }>();
  /**
   * Changes whenever live messages may have stopped reaching a room's store (another room opened, a new
   * connection): a catch-up that began reading after the join, in the same epoch, misses nothing live ones don't bring.
   */
  private epoch = 0;
  private firstEntry = true;

  /** Why the open room receives no live messages, for the status banner. */
  readonly joinProblem = signal<string | null>(null);

  /** The rooms whose join the server acknowledged in this session. */
  private readonly joined = new Set<string>();
  /** Rooms the server may still have this socket in: every session starts in the default room. */
  private readonly serverRooms = new Set<string>([DEFAULT_ROOM]);
  /** Joins and leaves run one at a time, so a quick room switch cannot leave a stale room joined. */
  private syncing: Promise<boolean> = Promise.resolve(false);
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.socket.on('newMessage', (m) => {
      const store = m.room === this.active.name() ? this.rooms.get(m.room) : undefined;
      if (!store) return;
      const gapFrom = store.gapBefore(m.seq);
      store.receive(m);
      // A message between the two was stored but never reached us live (with several servers, the one that stored
      // it stopped before broadcasting): history has it.
      if (gapFrom !== undefined) void this.catchUp(m.room, gapFrom);
    });
    this.socket.on('connect', (recovered) => {
      this.epoch++;
      if (!recovered) {
        // A new session: the server forgot our rooms (but put us in the default one).
        this.joined.clear();
        this.serverRooms.clear();
        this.serverRooms.add(DEFAULT_ROOM);
      }
      const room = this.active.name();
      // A restored session in the same room got the missed events replayed; anything else may have a gap.
      const unchanged = recovered && !!room && this.joined.has(room);
      const known = room ? this.room(room).lastSeq() : undefined;
      void this.syncRooms().then(() => (room && !unchanged && this.active.name() === room ? this.catchUp(room, known) : undefined));
    });
    // Deletions reach every room's store: they change no order and leave no gap.
    this.socket.on('messageDeleted', (e) => this.rooms.get(e?.room)?.markDeleted(e.id, e.deletedAt));
    // So do edits and reaction counts (the store keeps the latest edit when they arrive out of order).
    this.socket.on('messageEdited', (e) => this.rooms.get(e?.room)?.update(e.seq, { text: e.text, editedAt: e.editedAt }));
    this.socket.on('reactions', (e) => this.rooms.get(e?.room)?.update(e.seq, { reactions: e.counts, reactionsVersion: e.version }));
    inject(DestroyRef).onDestroy(() => clearTimeout(this.retryTimer));
  }

  room(name: string): RoomStore {
    let store = this.rooms.get(name);
    if (!store) this.rooms.set(name, (store = new RoomStore(name)));
    return store;
  }

  async enter(name: string): Promise<void> {
    const previous = this.active.name();
    if (previous === name) return;
    const store = this.room(name);
    const known = store.lastSeq();
    this.active.set(name);
    this.epoch++;
    this.roomList.add(name);
    // Read after the first join when it comes soon: the connect's catch-up is then this very read, not a second one.
    if (this.firstEntry) {
      this.firstEntry = false;
      await this.socket.firstAttempt(FIRST_CONNECT_WAIT_MS);
      if (this.active.name() !== name) return;
    }
    // History comes over HTTP, so the room fills even when the join has to wait for a reconnect.
    await this.syncRooms();
    if (this.active.name() === name) await this.catchUp(name, known);
  }

  /** Takes a room off the room list and leaves it (unless it is still open: leaving it then does). */
  forget(name: string): Promise<boolean> {
    this.roomList.remove(name);
    return this.syncRooms();
  }

  /** Leaves the rooms no longer listed and joins the listed ones and the open one; true when the open one was newly joined. */
  private syncRooms(): Promise<boolean> {
    this.syncing = this.syncing.then(() => this.runSync());
    return this.syncing;
  }

  private async runSync(): Promise<boolean> {
    const room = this.active.name();
    if (!room) return false;
    const wanted = new Set([room, ...this.roomList.rooms()]);
    for (const other of [...this.serverRooms]) {
      if (wanted.has(other)) continue;
      // Left only once the server says so; a failed leave is tried again on the next connect.
      if ((await this.socket.leave(other)).ok) {
        this.serverRooms.delete(other);
        this.joined.delete(other);
      }
    }
    let joinedOpen = false;
    let refused: ErrorBody | null = null;
    let failures = 0;
    for (const name of wanted) {
      if (this.joined.has(name)) continue;
      const ack = await this.socket.join(name);
      if (ack.ok) {
        this.joined.add(name);
        this.serverRooms.add(name);
        if (name === room) joinedOpen = true;
      } else {
        failures++;
        if (name === room) refused = ack.error;
      }
    }
    if (failures === 0) {
      this.joinProblem.set(null);
      return joinedOpen;
    }
    // Offline, the connection banner already says so and the reconnect joins; a refusal while connected is retried.
    if (!this.socket.connected) {
      this.joinProblem.set(null);
      return joinedOpen;
    }
    // A private room one is not a member of: asking again changes nothing.
    if (refused?.code === 'forbidden') {
      this.joinProblem.set(`#${room} is private: ask one of its members for an invite link.`);
      return joinedOpen;
    }
    this.joinProblem.set(refused ? `Not receiving new messages in #${room}: ${refused.message || 'could not join'}. Retrying…` : null);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.rejoin(), JOIN_RETRY_MS);
    return joinedOpen;
  }

  /** Joins what is not joined yet (a refused join; a membership just granted), and catches the open room up if it was. */
  rejoin(): Promise<void> {
    const active = this.active.name();
    const known = active ? this.room(active).lastSeq() : undefined;
    return this.syncRooms().then((joined) => (joined && active && this.active.name() === active ? this.catchUp(active, known) : undefined));
  }

  /** Bring a room up to date: the newest page, then older ones until they meet what we already had. */
  catchUp(name: string, known = this.room(name).lastSeq()): Promise<void> {
    const running = this.catchUps.get(name);
    // One that began after the join, with live messages flowing since, already covers this request.
    if (running?.joined && running.epoch === this.epoch && this.joined.has(name)) return running.job;
    if (running) return running.job.then(() => this.catchUp(name, known));
    const job = this.runCatchUp(name, known).finally(() => this.catchUps.delete(name));
    this.catchUps.set(name, { job, epoch: this.epoch, joined: this.joined.has(name) });
    return job;
  }

  private async runCatchUp(name: string, known: string | undefined): Promise<void> {
    const store = this.room(name);
    if (!store.loaded) store.phase.set('loading');
    try {
      let before: string | undefined;
      let met = false;
      const fetched: ChatMessage[] = [];
      for (let pages = 0; pages < CATCH_UP_MAX_PAGES && !met; pages++) {
        const page = await this.history.page(name, known ? { before, limit: HISTORY_LIMIT_MAX } : {});
        // Older messages than those we had belong to "load older", which keeps its own place (nextBefore).
        store.merge(known ? page.messages.filter((m) => compareSeq(m.seq, known) > 0) : page.messages);
        // An empty room had no place to load older from yet: this first page sets it.
        if (!store.loaded || !known) {
          store.loaded = true;
          store.nextBefore.set(page.nextBefore);
        }
        fetched.unshift(...page.messages);
        const oldest = page.messages[0];
        met = !known || !page.nextBefore || !oldest || compareSeq(oldest.seq, known) <= 0;
        before = page.nextBefore ?? undefined;
      }
      if (!met) {
        // Too far behind to walk back to what we had: keep the newest pages, gap-free, and let
        // "load older" continue from the oldest of them.
        store.replace(fetched);
        store.nextBefore.set(before ?? null);
      }
      store.loadError.set(null);
      store.phase.set('ready');
    } catch (err) {
      store.loadError.set((err as Error).message);
      if (!store.loaded) store.phase.set('error');
    }
  }

  async loadOlder(name: string): Promise<void> {
    const store = this.room(name);
    const before = store.nextBefore();
    if (!before || store.loadingOlder()) return;
    store.loadingOlder.set(true);
    try {
      const page = await this.history.page(name, { before });
      store.merge(page.messages);
      store.nextBefore.set(page.nextBefore);
      store.loadError.set(null);
    } catch (err) {
      store.loadError.set((err as Error).message);
    } finally {
      store.loadingOlder.set(false);
    }
  }
}
