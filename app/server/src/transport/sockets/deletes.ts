import type { DeleteAck } from '@chat/protocol';
import type { DeleteMessage } from '../../chat/delete-message';
import type { Config } from '../../config';
import { limitedHandler, perKey } from './limited-handler';
import type { SocketConcern } from './socket-server';

/**
 * `deleteMessage`: the author deletes a message with the key it was sent with, or (signed in) the author or a
 * moderator by their identity; the use case validates and answers.
 */
export function deletes(deps: { config: Config; deletes: DeleteMessage }): SocketConcern {
  const { points, windowSeconds } = deps.config.abuse.deletes;
  const budget = perKey(points, windowSeconds, 'deletes');
  return {
    connected: (socket) => {
      socket.on(
        'deleteMessage',
        limitedHandler<unknown, DeleteAck>({
          budgets: [budget(socket.id)],
          handle: async (payload, reply) => reply(await deps.deletes.byAuthor(payload, socket.data.user)),
        }),
      );
    },
  };
}
