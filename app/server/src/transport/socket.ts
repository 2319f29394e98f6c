import type { DefaultEventsMap, Server, Socket } from 'socket.io';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import {
  DEFAULT_ROOM,
  parseWith,
  roomSchema,
  type ClientToServerEvents,
  type JoinAck,
  type SendAck,
  type ServerToClientEvents,
} from '@chat/protocol';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { SendMessage } from '../chat/send-message';
import type { ChatMetrics } from '../metrics';
import { keyedLimit, type AddressLimits } from './abuse-limits';
import { clientAddress } from './client-address';
import { withAck } from './socket-args';
import type { SocketData } from './identity';

export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, SocketData>;
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, SocketData>;

/** A socket may be in this many rooms at once, so joins cannot grow the server's memory without end. */
const MAX_ROOMS_PER_SOCKET = 50;

const noop = () => {};
export const ackOf = <T>(ack: unknown): ((r: T) => void) => (typeof ack === 'function' ? (ack as (r: T) => void) : noop);

/** Socket handlers: the socket half of the protocol. Every input is validated and answered; nothing else is trusted. */
export function attachSocketHandlers(
  io: ChatServer,
  send: SendMessage,
  config: Config,
  log: Logger,
  ops: { limits: AddressLimits; metrics: ChatMetrics },
): void {
  const limiter = new RateLimiterMemory({ points: config.rateLimit.points, duration: config.rateLimit.windowSeconds });
  const joins = keyedLimit(config.abuse.joinsPerMinute, 60);
  const { limits, metrics } = ops;

  // Sockets per client address: refused at the handshake, with a reason the client sees in connect_error.
  io.use((socket, next) => {
    const admitted = limits.admitSocket(clientAddress(socket.request, config.trustProxy));
    if (!admitted.ok) {
      metrics.socketsRefused.inc();
      const err = new Error(admitted.reason) as Error & { data?: unknown };
      err.data = { code: 'rate_limited', message: admitted.reason };
      return next(err);
    }
    socket.once('disconnect', admitted.release);
    next();
  });

  io.on('connection', (socket: ChatSocket) => {
    const address = clientAddress(socket.request, config.trustProxy);
    // A recovered socket gets its rooms back with its session; a new one starts in global.
    if (!socket.recovered) void socket.join(DEFAULT_ROOM);
    // Recovery skips middlewares: a recovered socket held its slot before, so it takes one back unconditionally.
    else socket.once('disconnect', limits.readmitSocket(address));

    socket.on(
      'sendMessage',
      withAck<SendAck>(async (payload, answer) => {
        const done = metrics.ackTimer();
        const reply = (r: SendAck) => (done(r), answer(r));
        try {
          await limiter.consume(socket.id);
        } catch {
          return reply({
            ok: false,
            error: { code: 'rate_limited', message: `at most ${config.rateLimit.points} messages per ${config.rateLimit.windowSeconds} s` },
          });
        }
        // Per address too: many sockets from one address share one budget.
        if (!(await limits.message(address)).ok) {
          return reply({
            ok: false,
            error: {
              code: 'rate_limited',
              message: `at most ${config.abuse.addressMessagePoints} messages per ${config.rateLimit.windowSeconds} s from one address`,
            },
          });
        }
        reply(await send.execute(payload));
      }),
    );

    socket.on(
      'join',
      withAck<JoinAck>(async (room, reply) => {
        const parsed = parseWith(roomSchema, room);
        if (!parsed.ok) return reply({ ok: false, error: parsed.error });
        if (!(await joins(socket.id)).ok) {
          return reply({ ok: false, error: { code: 'rate_limited', message: `at most ${config.abuse.joinsPerMinute} joins per minute` } });
        }
        if (!socket.rooms.has(parsed.value) && socket.rooms.size > MAX_ROOMS_PER_SOCKET) {
          return reply({ ok: false, error: { code: 'invalid', message: `at most ${MAX_ROOMS_PER_SOCKET} rooms per connection` } });
        }
        void socket.join(parsed.value);
        reply({ ok: true, room: parsed.value });
      }),
    );

    socket.on(
      'leave',
      withAck<JoinAck>((room, reply) => {
        const parsed = parseWith(roomSchema, room);
        if (!parsed.ok) return reply({ ok: false, error: parsed.error });
        void socket.leave(parsed.value);
        reply({ ok: true, room: parsed.value });
      }),
    );

    socket.on('disconnect', (reason) => {
      log.debug({ socket: socket.id, reason }, 'socket disconnected');
    });
  });
}
