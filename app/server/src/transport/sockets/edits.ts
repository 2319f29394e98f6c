import type { EditAck } from '@chat/protocol';
import type { EditMessage } from '../../chat/edit-message';
import type { Config } from '../../config';
import type { AddressLimits } from '../abuse-limits';
import { clientAddress } from '../client-address';
import { limitedHandler, perKey } from './limited-handler';
import type { SocketConcern } from './socket-server';

/**
 * `editMessage`: the author edits a message with the key it was sent with, or signed in as its author; the use case
 * validates and answers.
 * Charged to the socket and, as a store write, to its address's message budget.
 */
export function edits(deps: { config: Config; edits: EditMessage; limits: AddressLimits }): SocketConcern {
  const { config, limits } = deps;
  const { points, windowSeconds } = config.abuse.edits;
  const budget = perKey(points, windowSeconds, 'edits');
  const perAddress = addressWriteRefusal(config);
  return {
    connected: (socket) => {
      const address = clientAddress(socket.request, config);
      socket.on(
        'editMessage',
        limitedHandler<unknown, EditAck>({
          budgets: [budget(socket.id), { take: () => limits.message(address), refusal: perAddress }],
          handle: async (payload, reply) => reply(await deps.edits.execute(payload, socket.data.user)),
        }),
      );
    },
  };
}

/** What an address's shared budget of store writes (messages, edits, reactions) says when it is spent. */
export const addressWriteRefusal = (config: Config) =>
  `${config.abuse.addressMessagePoints} messages, edits and reactions per ${config.rateLimit.windowSeconds} s from one address`;
