import { DEFAULT_ROOM, type SendAck } from '@chat/protocol';
import type { RoomAccess } from '../../chat/room-access';
import type { SendMessage } from '../../chat/send-message';
import type { Config } from '../../config';
import type { ChatMetrics } from '../../metrics';
import type { AddressLimits } from '../abuse-limits';
import { clientAddress } from '../client-address';
import { limitedHandler, perKey } from './limited-handler';
import type { SocketConcern } from './socket-server';
import type { TypingRelay } from './typing';

/** The room a `sendMessage` payload names, read loosely (it is validated later): the end of typing there. */
const roomOf = (payload: unknown): unknown =>
  typeof payload === 'object' && payload !== null ? ((payload as { room?: unknown }).room ?? DEFAULT_ROOM) : DEFAULT_ROOM;

/**
 * `sendMessage`: charged to the socket's budget and to its address's (many sockets from one address share one), then
 * handed to the send use case, which validates it and answers once it is stored. Sending is also the end of typing.
 */
export function messages(deps: {
  config: Config;
  send: SendMessage;
  limits: AddressLimits;
  metrics: ChatMetrics;
  typing: TypingRelay;
  access?: RoomAccess | undefined;
}): SocketConcern {
  const { config, send, limits, metrics, typing, access } = deps;
  const { points, windowSeconds } = config.rateLimit;
  const perSocket = perKey(points, windowSeconds, 'messages');
  const perAddress = `${config.abuse.addressMessagePoints} messages per ${windowSeconds} s from one address`;
  return {
    connected: (socket) => {
      const address = clientAddress(socket.request, config);
      const handler = limitedHandler<unknown, SendAck>({
        budgets: [perSocket(socket.id), { take: () => limits.message(address), refusal: perAddress }],
        handle: async (payload, reply) => {
          const user = socket.data.user;
          if (!user) return reply(await send.execute(payload, { address }));
          // Signed in: a room this socket joined was checked at the join (and a removal makes it leave); any other is checked now.
          const room = roomOf(payload);
          if (access && typeof room === 'string' && !socket.rooms.has(room)) {
            const refused = await access.refusal(room, user).catch(() => ({
              code: 'unavailable' as const,
              message: 'the chat backend is not answering; retry with the same id',
            }));
            if (refused) return reply({ ok: false, error: refused });
          }
          reply(await send.execute(payload, { address, sender: user }));
        },
        observe: () => metrics.ackTimer(),
      });
      socket.on('sendMessage', (...args: unknown[]) => {
        const room = roomOf(typeof args[0] === 'function' ? undefined : args[0]);
        if (typeof room === 'string') typing.stopped(socket.id, room, socket.data);
        handler(...args);
      });
    },
  };
}
