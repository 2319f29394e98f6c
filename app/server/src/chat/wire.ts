import type { ChatMessage } from '@chat/protocol';
import type { SequencedMessage } from '../ports';
import type { ImageUrl } from './image-links';

/**
 * How a stored message goes out to clients: the image key becomes a URL the server answers; a deleted message
 * keeps its place (id, author, seq, sentAt) with `deletedAt` and nothing of its content. The delete hash never leaves.
 */
export function toWire(m: SequencedMessage, imageUrl: ImageUrl): ChatMessage {
  return {
    id: m.id,
    room: m.room,
    author: m.author,
    ...(m.deletedAt === undefined && m.text !== undefined ? { text: m.text } : {}),
    ...(m.deletedAt === undefined && m.imageKey !== undefined ? { imageUrl: imageUrl(m.imageKey) } : {}),
    sentAt: m.sentAt,
    seq: m.seq,
    ...(m.deletedAt !== undefined ? { deletedAt: m.deletedAt } : {}),
    ...(m.replyTo !== undefined ? { replyTo: m.replyTo } : {}),
    ...(m.deletedAt === undefined && m.editedAt !== undefined ? { editedAt: m.editedAt } : {}),
    ...(m.authorId !== undefined ? { authorId: m.authorId } : {}),
  };
}
