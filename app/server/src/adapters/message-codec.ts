import { z } from 'zod';
import { authorSchema, imageKeySchema, messageIdSchema, roomSchema, textSchema } from '@chat/protocol';
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
    authorId: m.authorId,
  });
}

export function decodeMessage(body: string): AcceptedMessage | undefined {
  try {
    const parsed = acceptedSchema.safeParse(JSON.parse(body));
    if (!parsed.success) return undefined;
    const { text, imageKey, deleteHash, authorId, ...rest } = parsed.data;
    return {
      ...rest,
      ...(text !== undefined ? { text } : {}),
      ...(imageKey !== undefined ? { imageKey } : {}),
      ...(deleteHash !== undefined ? { deleteHash } : {}),
      ...(authorId !== undefined ? { authorId } : {}),
    };
  } catch {
    return undefined;
  }
}
