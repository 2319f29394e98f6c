import {
  parseWith,
  subscribePushSchema,
  unsubscribePushSchema,
  type OkAck,
  type SubscribePushInput,
  type UnsubscribePushInput,
} from '@chat/protocol';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { PushSubscriptions } from '../../ports';
import { withTimeout } from '../../util/timeout';
import { limitedHandler, perKey } from './limited-handler';
import type { SocketConcern } from './socket-server';

const unavailable: OkAck = { ok: false, error: { code: 'unavailable', message: 'the chat backend is not answering; try again' } };

/** `subscribePush` and `unsubscribePush`: an identified socket's browser asks for Web Push, per room. */
export function push(deps: { config: Config; push: PushSubscriptions; log: Logger }): SocketConcern {
  const { config } = deps;
  // A subscription is a few writes: the delete budget's size suits it.
  const budget = perKey(config.abuse.deletes.points, config.abuse.deletes.windowSeconds, 'push subscriptions');
  const timeout = config.backendTimeoutMs;
  return {
    connected: (socket) => {
      const data = socket.data;
      socket.on(
        'subscribePush',
        limitedHandler<SubscribePushInput, OkAck>({
          parse: (payload) => parseWith(subscribePushSchema, payload),
          refuse: ({ subscription }) => {
            if (!config.push) return { code: 'invalid', message: 'Web Push is not configured on this server' };
            if (data.clientId === undefined || data.author === undefined)
              return { code: 'invalid', message: 'subscribePush: identify first (handshake auth or identify)' };
            if (!config.push.allowHttp && !subscription.endpoint.startsWith('https://'))
              return { code: 'invalid', message: 'subscription.endpoint: an https URL' };
            return undefined;
          },
          budgets: [budget(socket.id)],
          handle: async ({ subscription, rooms }, reply) => {
            const target = { endpoint: subscription.endpoint, keys: subscription.keys, person: data.clientId!, name: data.author! };
            try {
              await withTimeout(deps.push.put(target, rooms), timeout, 'history');
              reply({ ok: true });
            } catch (err) {
              deps.log.warn({ err }, 'subscribePush failed: backend unavailable');
              reply(unavailable);
            }
          },
        }),
      );
      socket.on(
        'unsubscribePush',
        limitedHandler<UnsubscribePushInput, OkAck>({
          parse: (payload) => parseWith(unsubscribePushSchema, payload),
          budgets: [budget(socket.id)],
          handle: async ({ endpoint }, reply) => {
            try {
              await withTimeout(deps.push.remove(endpoint), timeout, 'history');
              reply({ ok: true });
            } catch (err) {
              deps.log.warn({ err }, 'unsubscribePush failed: backend unavailable');
              reply(unavailable);
            }
          },
        }),
      );
    },
  };
}
