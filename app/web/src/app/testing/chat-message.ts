import { formatSeq, type ChatMessage } from '@chat/protocol';

/** A stored message as the server sends it: from bob, `sentAt` a second per seq. */
export const msg = (id: string, seq: number, room = 'global', extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  room,
  author: 'bob',
  text: `text ${id}`,
  sentAt: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
  seq: formatSeq(seq),
  ...extra,
});
