import type { MessageDeletedEvent, MessageEditedEvent, ReactionsEvent } from '@chat/protocol';
import type { Acks } from '../../acks/acks';
import type { ImageUrl } from '../../chat/image-links';
import { toWire } from '../../chat/wire';
import type { ChatMetrics } from '../../metrics';
import type { RoomEvents, SequencedMessage } from '../../ports';
import type { ChatServer } from './socket-server';

const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

export interface RoomEventsOptions {
  /** How stored image keys become `imageUrl`s. */
  imageUrl: ImageUrl;
  metrics: ChatMetrics;
  /**
   * Scaled out: the acks of this server. A sender waits on its own server, but whichever server received the message
   * from the queue stores it; that one tells the others, and the sender's server settles the wait.
   */
  acrossServers?: Acks;
}

/**
 * The room's events over Socket.IO: `io.to(room)` reaches the room's sockets on every server once the adapter spans
 * them. Scaled out, a stored message is also announced to the other servers (a server-side emit over the same
 * adapter), and their announcements settle the senders waiting here.
 */
export class SocketRoomEvents implements RoomEvents {
  constructor(
    private readonly io: ChatServer,
    private readonly opts: RoomEventsOptions,
  ) {
    const acks = opts.acrossServers;
    if (acks) {
      io.on('chat:stored', (room: unknown, id: unknown, seq: unknown) => {
        if (isText(room, 64) && isText(id, 64) && isText(seq, 40)) acks.settle(room, id, seq);
      });
    }
  }

  newMessage(m: SequencedMessage): void {
    this.io.to(m.room).emit('newMessage', toWire(m, this.opts.imageUrl));
    this.opts.metrics.broadcast.inc();
    if (this.opts.acrossServers) this.io.serverSideEmit('chat:stored', m.room, m.id, m.seq);
  }

  messageDeleted(event: MessageDeletedEvent): void {
    this.io.to(event.room).emit('messageDeleted', event);
  }

  messageEdited(event: MessageEditedEvent): void {
    this.io.to(event.room).emit('messageEdited', event);
  }

  reactions(event: ReactionsEvent): void {
    this.io.to(event.room).emit('reactions', event);
  }
}
