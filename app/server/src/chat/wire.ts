import type { ChatMessage } from '@chat/protocol';
import type { SequencedMessage } from '../ports';

/** How a stored message goes out to clients: the image key becomes a URL the server answers. */
export function toWire(m: SequencedMessage, publicUrl: string | undefined): ChatMessage {
  return {
    id: m.id,
    room: m.room,
    author: m.author,
    ...(m.text !== undefined ? { text: m.text } : {}),
    ...(m.imageKey !== undefined ? { imageUrl: `${publicUrl ?? ''}/images/${m.imageKey}` } : {}),
    sentAt: m.sentAt,
    seq: m.seq,
  };
}
