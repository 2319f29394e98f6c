import { z } from 'zod';
import type { AcceptedMessage } from '../ports';

/** The queue carries accepted messages as JSON; what comes back is checked, since a queue can hold anything. */
const acceptedSchema = z.object({
  id: z.string(),
  room: z.string(),
  author: z.string(),
  text: z.string().optional(),
  imageKey: z.string().optional(),
});

export function encodeMessage(m: AcceptedMessage): string {
  return JSON.stringify({ id: m.id, room: m.room, author: m.author, text: m.text, imageKey: m.imageKey });
}

export function decodeMessage(body: string): AcceptedMessage | undefined {
  try {
    const parsed = acceptedSchema.safeParse(JSON.parse(body));
    if (!parsed.success) return undefined;
    const { text, imageKey, ...rest } = parsed.data;
    return { ...rest, ...(text !== undefined ? { text } : {}), ...(imageKey !== undefined ? { imageKey } : {}) };
  } catch {
    return undefined;
  }
}
