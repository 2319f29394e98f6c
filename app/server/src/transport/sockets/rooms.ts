import { DEFAULT_ROOM, parseWith, roomSchema, type JoinAck } from '@chat/protocol';
import type { Config } from '../../config';
import { keyedLimit } from '../abuse-limits';
import { limitedHandler } from './limited-handler';
import type { SocketConcern } from './socket-server';

/**
 * Which rooms a socket receives: every new socket starts in `global` (a recovered one gets its rooms back with its
 * session), `join` adds one, `leave` drops one. A socket's rooms are capped, so joins cannot grow memory without end.
 */
export function rooms(config: Config): SocketConcern {
  const joins = keyedLimit(config.abuse.joinsPerMinute, 60);
  const max = config.abuse.roomsPerSocket;
  const parse = (room: unknown) => parseWith(roomSchema, room);
  return {
    connected: (socket) => {
      if (!socket.recovered) void socket.join(DEFAULT_ROOM);

      socket.on(
        'join',
        limitedHandler<string, JoinAck>({
          parse,
          budgets: [{ take: () => joins(socket.id), refusal: `${config.abuse.joinsPerMinute} joins per minute` }],
          handle: (room, reply) => {
            // socket.rooms holds the socket's own room too.
            if (!socket.rooms.has(room) && socket.rooms.size > max) {
              return reply({ ok: false, error: { code: 'invalid', message: `at most ${max} rooms per connection` } });
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
          budgets: [],
          handle: (room, reply) => {
            void socket.leave(room);
            reply({ ok: true, room });
          },
        }),
      );
    },
  };
}
