import { DEFAULT_ROOM, parseWith, roomSchema, type JoinAck } from '@chat/protocol';
import type { RoomAccess } from '../../chat/room-access';
import type { Config } from '../../config';
import { keyedLimit, type AddressLimits } from '../abuse-limits';
import { clientAddress } from '../client-address';
import { limitedHandler, perAddressBudget } from './limited-handler';
import type { SocketConcern } from './socket-server';

/**
 * Which rooms a socket receives: every new socket starts in `global` (a recovered one gets its rooms back with its
 * session), `join` adds one, `leave` drops one. A socket's rooms are capped, so joins cannot grow memory without end.
 */
export function rooms(config: Config, limits: AddressLimits, access?: RoomAccess): SocketConcern {
  const joins = keyedLimit(config.abuse.joinsPerMinute, 60);
  const leaves = keyedLimit(config.abuse.joinsPerMinute, 60);
  // Every join and leave changes a room's presence: one budget for both per address.
  const fromAddress = perAddressBudget(limits, 'joins', config.abuse.perAddress.joinsPerMinute, 60, 'joins and leaves');
  const max = config.abuse.roomsPerSocket;
  const parse = (room: unknown) => parseWith(roomSchema, room);
  return {
    connected: (socket) => {
      if (!socket.recovered) void socket.join(DEFAULT_ROOM);
      const address = fromAddress(clientAddress(socket.request, config));

      socket.on(
        'join',
        limitedHandler<string, JoinAck>({
          parse,
          budgets: [{ take: () => joins(socket.id), refusal: `${config.abuse.joinsPerMinute} joins per minute` }, address],
          handle: async (room, reply) => {
            // socket.rooms holds the socket's own room too.
            if (!socket.rooms.has(room) && socket.rooms.size > max) {
              return reply({ ok: false, error: { code: 'invalid', message: `at most ${max} rooms per connection` } });
            }
            const user = socket.data.user;
            if (access && user) {
              const refused = await access.refusal(room, user).catch(() => ({
                code: 'unavailable' as const,
                message: 'the chat backend is not answering; try again',
              }));
              if (refused) return reply({ ok: false, error: refused });
            }
            void socket.join(room);
            reply({ ok: true, room });
          },
        }),
      );

      socket.on(
        'leave',
        limitedHandler<string, JoinAck>({
          parse,
          budgets: [{ take: () => leaves(socket.id), refusal: `${config.abuse.joinsPerMinute} leaves per minute` }, address],
          handle: (room, reply) => {
            void socket.leave(room);
            reply({ ok: true, room });
          },
        }),
      );
    },
  };
}
