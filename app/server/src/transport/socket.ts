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
import type { SocketData } from './identity';

export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, SocketData>;
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, SocketData>;

/** A socket may be in this many rooms at once, so joins cannot grow the server's memory without end. */
const MAX_ROOMS_PER_SOCKET = 50;

const noop = () => {};
export const ackOf = <T>(ack: unknown): ((r: T) => void) => (typeof ack === 'function' ? (ack as (r: T) => void) : noop);

/** Socket handlers: the socket half of the protocol. Every input is validated and answered; nothing else is trusted. */
export function attachSocketHandlers(io: ChatServer, send: SendMessage, config: Config, log: Logger): void {
  const limiter = new RateLimiterMemory({ points: config.rateLimit.points, duration: config.rateLimit.windowSeconds });

  io.on('connection', (socket: ChatSocket) => {
    // A recovered socket gets its rooms back with its session; a new one starts in global.
    if (!socket.recovered) void socket.join(DEFAULT_ROOM);

    socket.on('sendMessage', async (payload: unknown, ack?: unknown) => {
      const reply = ackOf<SendAck>(ack);
      try {
        await limiter.consume(socket.id);
      } catch {
        return reply({ ok: false, error: { code: 'rate_limited', message: `at most ${config.rateLimit.points} messages per ${config.rateLimit.windowSeconds} s` } });
      }
      reply(await send.execute(payload));
    });

    socket.on('join', (room: unknown, ack?: unknown) => {
      const reply = ackOf<JoinAck>(ack);
      const parsed = parseWith(roomSchema, room);
      if (!parsed.ok) return reply({ ok: false, error: parsed.error });
      if (!socket.rooms.has(parsed.value) && socket.rooms.size > MAX_ROOMS_PER_SOCKET) {
        return reply({ ok: false, error: { code: 'invalid', message: `at most ${MAX_ROOMS_PER_SOCKET} rooms per connection` } });
      }
      void socket.join(parsed.value);
      reply({ ok: true, room: parsed.value });
    });

    socket.on('leave', (room: unknown, ack?: unknown) => {
      const reply = ackOf<JoinAck>(ack);
      const parsed = parseWith(roomSchema, room);
      if (!parsed.ok) return reply({ ok: false, error: parsed.error });
      void socket.leave(parsed.value);
      reply({ ok: true, room: parsed.value });
    });

    socket.on('disconnect', (reason) => {
      log.debug({ socket: socket.id, reason }, 'socket disconnected');
    });
  });
}
