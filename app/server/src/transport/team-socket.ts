import { RateLimiterMemory } from 'rate-limiter-flexible';
import {
  DEFAULT_ROOM,
  identifySchema,
  parseWith,
  roomSchema,
  typingInputSchema,
  type DeleteAck,
  type ErrorBody,
  type IdentifyAck,
  type PresenceAck,
  type TypingAck,
} from '@chat/protocol';
import type { Logger } from '../logger';
import type { DeleteMessage } from '../chat/delete-message';
import { handshakeIdentity, isListed, type SocketData } from './identity';
import { Presence } from './presence';
import { TypingRelay } from './typing';
import type { ChatServer, ChatSocket } from './socket';
import { withAck } from './socket-args';

/** Per socket. A client sends `typing` at most every 2 s while typing, plus a stop: this leaves room for a few rooms. */
const TYPING_LIMIT = { points: 10, duration: 5 };
/** `identify` and `getPresence` each cost a `fetchSockets` (a round to every server once there are several). */
const PRESENCE_LIMIT = { points: 20, duration: 10 };
const DELETE_LIMIT = { points: 10, duration: 10 };

const limitedError = (what: string, l: { points: number; duration: number }): ErrorBody => ({
  code: 'rate_limited',
  message: `at most ${l.points} ${what} per ${l.duration} s`,
});

/**
 * The socket half of presence, typing and deletes (issue 12). Presence follows the adapter's own join/leave
 * events, so every way a socket enters or leaves a room (join, leave, the default room, disconnect) counts, and
 * a socket that is not listed (a v1 client) costs nothing.
 */
export function attachTeamChatHandlers(io: ChatServer, deletes: DeleteMessage, log: Logger): { close(): void } {
  const presence = new Presence(io, log);
  const typing = new TypingRelay(io);
  const typingLimiter = new RateLimiterMemory(TYPING_LIMIT);
  const presenceLimiter = new RateLimiterMemory(PRESENCE_LIMIT);
  const deleteLimiter = new RateLimiterMemory(DELETE_LIMIT);
  const nsp = io.of('/');

  io.use(handshakeIdentity);

  const onMembership = (room: string, socketId: string, left: boolean) => {
    if (room === socketId) return; // every socket's own room
    // Unknown here (restored from a recovered session before it is registered): count it, to be safe.
    const socket = nsp.sockets.get(socketId);
    if (left) typing.stopped(socketId, room, socket?.data);
    if (!socket || isListed(socket.data)) presence.changed(room);
  };
  nsp.adapter.on('join-room', (room: string, id: string) => onMembership(room, id, false));
  nsp.adapter.on('leave-room', (room: string, id: string) => onMembership(room, id, true));

  io.on('connection', (socket: ChatSocket) => {
    const data = socket.data as SocketData;
    // A recovered session got its rooms back before its identity: the rooms' presence is recomputed now.
    if (socket.recovered && isListed(data)) for (const room of socket.rooms) if (room !== socket.id) presence.changed(room);

    socket.on(
      'identify',
      withAck<IdentifyAck>(async (payload, reply) => {
        const parsed = parseWith(identifySchema, payload);
        if (!parsed.ok) return reply({ ok: false, error: parsed.error });
        if (!(await consumed(presenceLimiter, socket.id)))
          return reply({ ok: false, error: limitedError('identify/getPresence', PRESENCE_LIMIT) });
        typing.stoppedEverywhere(socket.id, data);
        Object.assign(data, { clientId: parsed.value.clientId, author: parsed.value.author, identifiedAt: Date.now() });
        for (const room of socket.rooms) if (room !== socket.id) presence.changed(room);
        reply({ ok: true });
      }),
    );

    socket.on(
      'getPresence',
      withAck<PresenceAck>(async (room, reply) => {
        const parsed = parseWith(roomSchema, room);
        if (!parsed.ok) return reply({ ok: false, error: parsed.error });
        if (!socket.rooms.has(parsed.value))
          return reply({ ok: false, error: { code: 'invalid', message: `room: join ${parsed.value} first` } });
        if (!(await consumed(presenceLimiter, socket.id)))
          return reply({ ok: false, error: limitedError('identify/getPresence', PRESENCE_LIMIT) });
        try {
          reply({ ok: true, ...(await presence.snapshot(parsed.value)) });
        } catch (err) {
          log.warn({ err, room: parsed.value }, 'getPresence failed');
          reply({ ok: false, error: { code: 'unavailable', message: 'presence could not be read; try again' } });
        }
      }),
    );

    socket.on(
      'typing',
      withAck<TypingAck>(async (payload, reply) => {
        const parsed = parseWith(typingInputSchema, payload);
        if (!parsed.ok) return reply({ ok: false, error: parsed.error });
        const { room, typing: isTyping } = parsed.value;
        if (!isListed(data))
          return reply({ ok: false, error: { code: 'invalid', message: 'typing: identify first (handshake auth or identify)' } });
        if (!socket.rooms.has(room)) return reply({ ok: false, error: { code: 'invalid', message: `room: join ${room} first` } });
        if (!(await consumed(typingLimiter, socket.id))) return reply({ ok: false, error: limitedError('typing events', TYPING_LIMIT) });
        typing.relay(socket.id, room, isTyping, data);
        reply({ ok: true });
      }),
    );

    // Sending is the end of typing; the send itself is handled (and answered) by the v1 handler.
    socket.on('sendMessage', (payload: unknown) => {
      const room = typeof payload === 'object' && payload !== null ? ((payload as { room?: unknown }).room ?? DEFAULT_ROOM) : DEFAULT_ROOM;
      if (typeof room === 'string') typing.stopped(socket.id, room, data);
    });

    socket.on(
      'deleteMessage',
      withAck<DeleteAck>(async (payload, reply) => {
        if (!(await consumed(deleteLimiter, socket.id))) return reply({ ok: false, error: limitedError('deletes', DELETE_LIMIT) });
        reply(await deletes.byAuthor(payload));
      }),
    );

    socket.on('disconnect', () => typing.forget(socket.id));
  });

  return { close: () => presence.close() };
}

const consumed = (limiter: RateLimiterMemory, key: string): Promise<boolean> =>
  limiter.consume(key).then(
    () => true,
    () => false,
  );
