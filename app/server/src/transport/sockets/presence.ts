import {
  identifySchema,
  parseWith,
  PRESENCE_MEMBERS_MAX,
  roomSchema,
  type IdentifyAck,
  type IdentifyInput,
  type PresenceAck,
  type PresenceEvent,
  type PresenceMember,
} from '@chat/protocol';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { distinctNames } from '../../auth/distinct-names';
import { isListed } from './identity';
import type { AddressLimits } from '../abuse-limits';
import { clientAddress } from '../client-address';
import { limitedHandler, perAddressBudget, perKey } from './limited-handler';
import type { ChatServer, SocketConcern } from './socket-server';
import type { TypingRelay } from './typing';

/** Changes in a room within this window make one presence update (a page of tabs reconnecting at once, say). */
const COALESCE_MS = 150;
/**
 * How long a computed snapshot answers `getPresence` when nothing changed here meanwhile (a change on another server
 * is seen at most this late by an asker; its own broadcast is not delayed).
 */
const SNAPSHOT_REUSE_MS = 1000;
/** Rooms whose snapshot is kept at most; past it, expired ones are dropped. */
const MAX_SNAPSHOTS = 1000;

/**
 * Who is in a room, computed when asked from the sockets themselves (`fetchSockets`, which asks every server
 * once an adapter spans several), never from a list of our own that could drift from the truth.
 */
export class Presence {
  /** Per room with an update coming: its timer, or `running` while computed, or `dirty` if it changed meanwhile. */
  private readonly pending = new Map<string, NodeJS.Timeout | 'running' | 'dirty'>();
  /** The last snapshot of each room (or the one being computed), shared by every asker until it is stale. */
  private readonly snapshots = new Map<string, { at: number; snapshot: Promise<PresenceEvent> }>();
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
    this.snapshots.delete(room);
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
      const presence = await this.current(room);
      if (!this.closed) this.io.to(room).emit('presence', presence);
    } catch (err) {
      this.log.warn({ err, room }, 'presence not computed');
    }
    if (this.pending.get(room) === 'dirty') this.schedule(room);
    else this.pending.delete(room);
  }

  /**
   * The room's presence: the snapshot computed last if it is fresh and nothing changed here since, else one
   * computation shared by everyone asking while it runs. So a flood of `getPresence` costs one `fetchSockets` a second.
   */
  current(room: string): Promise<PresenceEvent> {
    const now = Date.now();
    const known = this.snapshots.get(room);
    if (known && now - known.at < SNAPSHOT_REUSE_MS) return known.snapshot;
    // Fresh from when it is computed, so one that takes long is still shared by those asking meanwhile.
    const entry = { at: Infinity, snapshot: this.snapshot(room) };
    this.snapshots.set(room, entry);
    entry.snapshot.then(
      () => (entry.at = Date.now()),
      () => this.snapshots.get(room) === entry && this.snapshots.delete(room),
    );
    if (this.snapshots.size > MAX_SNAPSHOTS) {
      for (const [r, e] of this.snapshots) if (now - e.at >= SNAPSHOT_REUSE_MS) this.snapshots.delete(r);
    }
    return entry.snapshot;
  }

  async snapshot(room: string): Promise<PresenceEvent> {
    const sockets = await this.io.in(room).fetchSockets();
    // Tabs of one browser share a clientId: one member, under the name it set last.
    const byClient = new Map<string, { author: string; at: number; tag: string | undefined }>();
    for (const s of sockets) {
      const data = s.data;
      if (!isListed(data)) continue;
      const seen = byClient.get(data.clientId);
      if (!seen || data.identifiedAt > seen.at) {
        byClient.set(data.clientId, { author: data.author, at: data.identifiedAt, tag: data.user?.tag });
      }
    }
    // Signed in: two people of one name are told apart (their e-mail domain, or part of their id).
    const signedIn = [...byClient].flatMap(([id, p]) => (p.tag === undefined ? [] : [{ id, name: p.author, tag: p.tag }]));
    const labels = signedIn.length > 1 ? distinctNames(signedIn) : new Map<string, string>();
    const members: PresenceMember[] = [...byClient].map(([clientId, { author }]) => ({ clientId, author: labels.get(clientId) ?? author }));
    members.sort((a, b) => a.author.localeCompare(b.author) || (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0));
    return { room, members: members.slice(0, PRESENCE_MEMBERS_MAX), count: members.length };
  }

  close(): void {
    this.closed = true;
    for (const state of this.pending.values()) if (typeof state !== 'string') clearTimeout(state);
    this.pending.clear();
    this.snapshots.clear();
  }
}

/**
 * Who is in each room. Presence follows the adapter's own join/leave events, so every way a socket enters or leaves a
 * room (join, leave, the default room, disconnect) counts, and a socket that is not listed (a v1 client) costs
 * nothing. `identify` and `getPresence` share one budget: each costs a `fetchSockets`, a round to every server once
 * there are several.
 */
export function presence(io: ChatServer, typing: TypingRelay, config: Config, log: Logger, limits: AddressLimits): SocketConcern {
  const rooms = new Presence(io, log);
  const { points, windowSeconds } = config.abuse.presence;
  const budget = perKey(points, windowSeconds, 'identify/getPresence');
  const fromAddress = perAddressBudget(limits, 'presence', config.abuse.perAddress.presencePoints, windowSeconds, 'identify/getPresence');
  const nsp = io.of('/');
  const onMembership = (room: string, socketId: string) => {
    if (room === socketId) return; // every socket's own room
    // Unknown here (restored from a recovered session before it is registered): count it, to be safe.
    const socket = nsp.sockets.get(socketId);
    if (!socket || isListed(socket.data)) rooms.changed(room);
  };
  nsp.adapter.on('join-room', onMembership);
  nsp.adapter.on('leave-room', onMembership);

  return {
    connected: (socket) => {
      const data = socket.data;
      const address = fromAddress(clientAddress(socket.request, config));
      const chatRooms = () => [...socket.rooms].filter((room) => room !== socket.id);
      // A recovered session got its rooms back before its identity: the rooms' presence is recomputed now.
      if (socket.recovered && isListed(data)) for (const room of chatRooms()) rooms.changed(room);

      socket.on(
        'identify',
        limitedHandler<IdentifyInput, IdentifyAck>({
          parse: (payload) => parseWith(identifySchema, payload),
          budgets: [budget(socket.id), address],
          handle: ({ clientId, author }, reply) => {
            // Signed in, the token says who this is: a name or id of the client's own changes nothing.
            if (data.user) return reply({ ok: true });
            typing.stoppedEverywhere(socket.id, data);
            Object.assign(data, { clientId, author, identifiedAt: Date.now() });
            for (const room of chatRooms()) rooms.changed(room);
            reply({ ok: true });
          },
        }),
      );

      socket.on(
        'getPresence',
        limitedHandler<string, PresenceAck>({
          parse: (room) => parseWith(roomSchema, room),
          refuse: (room) => (socket.rooms.has(room) ? undefined : { code: 'invalid', message: `room: join ${room} first` }),
          budgets: [budget(socket.id), address],
          handle: async (room, reply) => {
            try {
              reply({ ok: true, ...(await rooms.current(room)) });
            } catch (err) {
              log.warn({ err, room }, 'getPresence failed');
              reply({ ok: false, error: { code: 'unavailable', message: 'presence could not be read; try again' } });
            }
          },
        }),
      );
    },
    close: () => rooms.close(),
  };
}
