import { z } from 'zod';
import { authorSchema, imageKeySchema, messageIdSchema, roomSchema, SEQ_PATTERN, textSchema } from '@chat/protocol';
import type { AcceptedMessage } from '../ports';

/**
 * The queue carries accepted messages as JSON; what comes back is checked with the protocol's own rules, since a
 * queue can hold anything (another producer, an older format), and a body the store would refuse must not block it.
 */
const acceptedSchema = z.object({
  id: messageIdSchema,
  room: roomSchema,
  author: authorSchema,
  text: textSchema.optional(),
  imageKey: imageKeySchema.optional(),
  deleteHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  replyTo: z.string().regex(SEQ_PATTERN).optional(),
  authorId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
});

export function encodeMessage(m: AcceptedMessage): string {
  return JSON.stringify({
    id: m.id,
    room: m.room,
    author: m.author,
    text: m.text,
    imageKey: m.imageKey,
    deleteHash: m.deleteHash,
    replyTo: m.replyTo,
    authorId: m.authorId,
  });
}

export function decodeMessage(body: string): AcceptedMessage | undefined {
  try {
    const parsed = acceptedSchema.safeParse(JSON.parse(body));
    if (!parsed.success) return undefined;
    const { text, imageKey, deleteHash, replyTo, authorId, ...rest } = parsed.data;
    return {
      ...rest,
      ...(text !== undefined ? { text } : {}),
      ...(imageKey !== undefined ? { imageKey } : {}),
      ...(deleteHash !== undefined ? { deleteHash } : {}),
      ...(replyTo !== undefined ? { replyTo } : {}),
      ...(authorId !== undefined ? { authorId } : {}),
    };
  } catch {
    return undefined;
  }
}
