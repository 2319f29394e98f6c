import type { EditAck } from '@chat/protocol';
import type { EditMessage } from '../../chat/edit-message';
import type { Config } from '../../config';
import { limitedHandler, perKey } from './limited-handler';
import type { SocketConcern } from './socket-server';

/** `editMessage`: the author edits a message with the key it was sent with; the use case validates and answers. */
export function edits(deps: { config: Config; edits: EditMessage }): SocketConcern {
  const { points, windowSeconds } = deps.config.abuse.edits;
  const budget = perKey(points, windowSeconds, 'edits');
  return {
    connected: (socket) => {
      socket.on(
        'editMessage',
        limitedHandler<unknown, EditAck>({
          budgets: [budget(socket.id)],
          handle: async (payload, reply) => reply(await deps.edits.execute(payload)),
        }),
      );
    },
  };
}
