import { parseWith, reactSchema, type ReactAck, type ReactInput } from '@chat/protocol';
import type { ReactToMessage } from '../../chat/react-to-message';
import type { Config } from '../../config';
import type { AddressLimits } from '../abuse-limits';
import { clientAddress } from '../client-address';
import { addressWriteRefusal } from './edits';
import { limitedHandler, perKey } from './limited-handler';
import type { SocketConcern } from './socket-server';

/**
 * `react`: from a socket that said who it is (a reaction is one per person), in the message's room. Charged to the
 * socket and, as a store write, to its address's message budget.
 */
export function reactions(deps: { config: Config; react: ReactToMessage; limits: AddressLimits }): SocketConcern {
  const { config, limits } = deps;
  const { points, windowSeconds } = config.abuse.reactions;
  const budget = perKey(points, windowSeconds, 'reactions');
  const perAddress = addressWriteRefusal(config);
  return {
    connected: (socket) => {
      const address = clientAddress(socket.request, config);
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
          budgets: [budget(socket.id), { take: () => limits.message(address), refusal: perAddress }],
          handle: async (payload, reply) => reply(await deps.react.execute(payload, socket.data.clientId)),
        }),
      );
    },
  };
}
