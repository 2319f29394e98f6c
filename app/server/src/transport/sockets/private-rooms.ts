import {
  acceptInviteSchema,
  createInviteSchema,
  createRoomSchema,
  listRoomsSchema,
  parseWith,
  removeMemberSchema,
  revokeInviteSchema,
  roomRefSchema,
  type ClientToServerEvents,
  type Parsed,
} from '@chat/protocol';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { PrivateRooms } from '../../chat/private-rooms';
import type { SignedInUser } from './identity';
import { limitedHandler, perKey, type Budget } from './limited-handler';
import type { ChatServer, ChatSocket, SocketConcern } from './socket-server';

type RoomEvent =
  'createRoom' | 'listRooms' | 'createInvite' | 'listInvites' | 'revokeInvite' | 'acceptInvite' | 'listMembers' | 'removeMember';
/** The ack an event's client passes (`RoomAck`, `InviteAck`, …). */
type AckOf<E extends RoomEvent> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/**
 * The sockets of `room`, on every server, whose person `keep` refuses leave it: a room just made private keeps its
 * creator only, a removed member stops receiving at once.
 */
export async function evict(io: ChatServer, room: string, keep: (userId: string | undefined) => boolean): Promise<void> {
  for (const s of await io.in(room).fetchSockets()) if (!keep(s.data.user?.id)) s.leave(room);
}

/**
 * Private rooms, invites and members over the socket (signed-in mode; open mode answers `invalid`). Each event is
 * validated and limited, then answered by the use case; a backend that fails is `unavailable`.
 */
export function privateRooms(deps: { io: ChatServer; config: Config; rooms: PrivateRooms | undefined; log: Logger }): SocketConcern {
  const { io, config, rooms, log } = deps;
  const budget = perKey(config.abuse.joinsPerMinute, 60, 'room and invite requests');

  function on<E extends RoomEvent, P>(
    socket: ChatSocket,
    event: E,
    parse: (payload: unknown) => Parsed<P>,
    budgets: Budget[],
    handle: (payload: P, person: SignedInUser, reply: (ack: AckOf<E>) => void) => Promise<void>,
  ): void {
    // Socket.IO's typed `on` cannot follow a generic event name; the handler answers with AckOf<E> all the same.
    socket.on(
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the compiler needs it to pick the overload
      event as RoomEvent,
      limitedHandler<P, AckOf<E>>({
        parse,
        refuse: () =>
          rooms && socket.data.user ? undefined : { code: 'invalid', message: `${event}: needs sign-in (AUTH_MODE=signed-in)` },
        budgets,
        handle: async (payload, reply) => {
          try {
            await handle(payload, socket.data.user!, reply);
          } catch (err) {
            log.warn({ err, event }, 'room request failed');
            reply({ ok: false, error: { code: 'unavailable', message: 'the chat backend is not answering; try again' } });
          }
        },
      }),
    );
  }

  return {
    connected: (socket) => {
      const budgets = [budget(socket.id)];
      const r = rooms!;
      on(
        socket,
        'createRoom',
        (p) => parseWith(createRoomSchema, p),
        budgets,
        async ({ room }, person, reply) => {
          const made = await r.createRoom(room, person);
          if (!made.ok) return reply(made);
          await evict(io, room, (id) => id === person.id);
          reply({ ok: true, ...made.value });
        },
      );
      on(
        socket,
        'listRooms',
        (p) => parseWith(listRoomsSchema, p ?? {}),
        budgets,
        async ({ scope }, person, reply) => {
          const joined = [...socket.rooms].filter((room) => room !== socket.id);
          const listed = await r.listRooms(scope, person, joined);
          reply(listed.ok ? { ok: true, rooms: listed.value } : listed);
        },
      );
      on(
        socket,
        'createInvite',
        (p) => parseWith(createInviteSchema, p),
        budgets,
        async (request, person, reply) => {
          const made = await r.createInvite(request, person);
          reply(made.ok ? { ok: true, invite: made.value } : made);
        },
      );
      on(
        socket,
        'listInvites',
        (p) => parseWith(roomRefSchema, p),
        budgets,
        async ({ room }, person, reply) => {
          const listed = await r.listInvites(room, person);
          reply(listed.ok ? { ok: true, room, invites: listed.value } : listed);
        },
      );
      on(
        socket,
        'revokeInvite',
        (p) => parseWith(revokeInviteSchema, p),
        budgets,
        async ({ room, id }, person, reply) => {
          const done = await r.revokeInvite(room, id, person);
          reply(done.ok ? { ok: true } : done);
        },
      );
      on(
        socket,
        'acceptInvite',
        (p) => parseWith(acceptInviteSchema, p),
        budgets,
        async ({ token }, person, reply) => {
          const accepted = await r.acceptInvite(token, person);
          reply(accepted.ok ? { ok: true, ...accepted.value } : accepted);
        },
      );
      on(
        socket,
        'listMembers',
        (p) => parseWith(roomRefSchema, p),
        budgets,
        async ({ room }, person, reply) => {
          const listed = await r.listMembers(room, person);
          reply(listed.ok ? { ok: true, room, members: listed.value } : listed);
        },
      );
      on(
        socket,
        'removeMember',
        (p) => parseWith(removeMemberSchema, p),
        budgets,
        async ({ room, userId }, person, reply) => {
          const done = await r.removeMember(room, userId, person);
          if (!done.ok) return reply(done);
          await evict(io, room, (id) => id !== userId);
          reply({ ok: true });
        },
      );
    },
  };
}
