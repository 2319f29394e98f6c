import type { TypingEvent } from '@chat/protocol';
import { isListed, type ListedData, type SocketData } from './identity';
import type { ChatServer } from './socket';

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
