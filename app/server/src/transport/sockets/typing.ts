import { parseWith, typingInputSchema, type TypingAck, type TypingEvent, type TypingInput } from '@chat/protocol';
import type { Config } from '../../config';
import { isListed, type ListedData, type SocketData } from './identity';
import type { AddressLimits } from '../abuse-limits';
import { clientAddress } from '../client-address';
import { limitedHandler, perAddressBudget, perKey } from './limited-handler';
import type { ChatServer, SocketConcern } from './socket-server';

/**
 * Relays "is typing" to the others in a room; nothing is stored. It remembers only, per local socket, the rooms
 * where it last said it was typing, so that a send, a leave, a new identity or a disconnect can say it stopped.
 */
export class TypingRelay {
  private readonly typingIn = new Map<string, Set<string>>();

  constructor(private readonly io: ChatServer) {}

  relay(socketId: string, room: string, typing: boolean, who: ListedData): void {
    let rooms = this.typingIn.get(socketId);
    if (typing) {
      if (!rooms) this.typingIn.set(socketId, (rooms = new Set()));
      rooms.add(room);
    } else if (rooms?.delete(room) && rooms.size === 0) {
      this.typingIn.delete(socketId);
    }
    this.emit(socketId, room, typing, who);
  }

  /** The socket is no longer typing in `room` (it sent a message there, left it, or disconnected). */
  stopped(socketId: string, room: string, who: SocketData | undefined): void {
    const rooms = this.typingIn.get(socketId);
    if (!rooms?.delete(room)) return;
    if (rooms.size === 0) this.typingIn.delete(socketId);
    if (isListed(who)) this.emit(socketId, room, false, who);
  }

  /** Before the socket's identity changes: others would keep the old name typing until it expired. */
  stoppedEverywhere(socketId: string, who: SocketData | undefined): void {
    for (const room of [...(this.typingIn.get(socketId) ?? [])]) this.stopped(socketId, room, who);
  }

  forget(socketId: string): void {
    this.typingIn.delete(socketId);
  }

  private emit(socketId: string, room: string, typing: boolean, who: ListedData): void {
    const event: TypingEvent = { room, clientId: who.clientId, author: who.author, typing };
    this.io.to(room).except(socketId).emit('typing', event);
  }
}

/**
 * `typing` from an identified socket in that room, relayed to the others; a leave (or a disconnect, which leaves every
 * room) says it stopped.
 */
export function typing(io: ChatServer, relay: TypingRelay, config: Config, limits: AddressLimits): SocketConcern {
  const { points, windowSeconds } = config.abuse.typing;
  const budget = perKey(points, windowSeconds, 'typing events');
  const fromAddress = perAddressBudget(limits, 'typing', config.abuse.perAddress.typingPoints, windowSeconds, 'typing events');
  const nsp = io.of('/');
  nsp.adapter.on('leave-room', (room: string, id: string) => {
    if (room !== id) relay.stopped(id, room, nsp.sockets.get(id)?.data);
  });
  return {
    connected: (socket) => {
      const address = fromAddress(clientAddress(socket.request, config));
      socket.on(
        'typing',
        limitedHandler<TypingInput, TypingAck>({
          parse: (payload) => parseWith(typingInputSchema, payload),
          refuse: ({ room }) => {
            if (!isListed(socket.data)) return { code: 'invalid', message: 'typing: identify first (handshake auth or identify)' };
            if (!socket.rooms.has(room)) return { code: 'invalid', message: `room: join ${room} first` };
            return undefined;
          },
          budgets: [budget(socket.id), address],
          handle: ({ room, typing: isTyping }, reply) => {
            relay.relay(socket.id, room, isTyping, socket.data as ListedData);
            reply({ ok: true });
          },
        }),
      );
      socket.on('disconnect', () => relay.forget(socket.id));
    },
  };
}
