import { parseWith, reactSchema, type ReactAck, type ReactInput } from '@chat/protocol';
import type { ReactToMessage } from '../../chat/react-to-message';
import type { Config } from '../../config';
import { limitedHandler, perKey } from './limited-handler';
import type { SocketConcern } from './socket-server';

/** `react`: from a socket that said who it is (a reaction is one per person), in the message's room. */
export function reactions(deps: { config: Config; react: ReactToMessage }): SocketConcern {
  const { points, windowSeconds } = deps.config.abuse.reactions;
  const budget = perKey(points, windowSeconds, 'reactions');
  return {
    connected: (socket) => {
      socket.on(
        'react',
        limitedHandler<ReactInput, ReactAck>({
          parse: (payload) => parseWith(reactSchema, payload),
          refuse: ({ room }) => {
            if (socket.data.clientId === undefined)
              return { code: 'invalid', message: 'react: identify first (handshake auth or identify)' };
            if (!socket.rooms.has(room)) return { code: 'invalid', message: `room: join ${room} first` };
            return undefined;
          },
          budgets: [budget(socket.id)],
          handle: async (payload, reply) => reply(await deps.react.execute(payload, socket.data.clientId)),
        }),
      );
    },
  };
}
