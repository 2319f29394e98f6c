import type { Server } from 'socket.io';
import type { SequencedMessage } from '../ports';

/** The server-side event one server sends the others when it has stored a message: `(room, id, seq)`. */
const STORED = 'chat:stored';

const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/**
 * Acks across servers. The sender waits on its own server, but whichever server consumed the message from SQS
 * stores it; that one tells the others (Socket.IO's server-side emit, over the adapter's Redis channel), and the
 * sender's server settles its waiter. Returns what the storing server calls for each message it stored.
 */
export function relayStored(
  io: Server,
  settle: (room: string, id: string, seq: string) => void,
): (message: Pick<SequencedMessage, 'room' | 'id' | 'seq'>) => void {
  io.on(STORED, (room: unknown, id: unknown, seq: unknown) => {
    if (isText(room, 64) && isText(id, 64) && isText(seq, 40)) settle(room, id, seq);
  });
  return (m) => {
    io.serverSideEmit(STORED, m.room, m.id, m.seq);
  };
}
