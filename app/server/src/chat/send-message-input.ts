import {
  checkAuthor,
  checkRoom,
  checkText,
  DEFAULT_ROOM,
  MESSAGE_ID_PATTERN,
  parseWith,
  sendMessageSchema,
  type Parsed,
  type SendMessage,
} from '@chat/protocol';

const COMMON_KEYS = new Set(['id', 'room', 'author', 'text']);

/**
 * `sendMessage`'s payload, read the way `sendMessageSchema` reads it. The common case — a valid text message
 * `{ id, author, text, room? }` — is checked with the protocol's zod-free checks (held to the zod schemas by
 * checks.test.ts), a tenth of zod's cost on the hot path; anything else (an image, a delete key, any error) is left to
 * zod, so every refusal keeps zod's code and message. send-message-input.test.ts holds the two to the same answers.
 */
export function parseSendMessage(input: unknown): Parsed<SendMessage> {
  return quickText(input) ?? parseWith(sendMessageSchema, input);
}

function quickText(input: unknown): Parsed<SendMessage> | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const o = input as Record<string, unknown>;
  // for…in, as zod's strict object: an inherited key counts as unknown too.
  for (const k in o) if (!COMMON_KEYS.has(k)) return undefined;
  const { id, room, author, text } = o;
  if (typeof id !== 'string' || !MESSAGE_ID_PATTERN.test(id)) return undefined;
  const r = room === undefined ? DEFAULT_ROOM : checkRoom(room);
  const a = checkAuthor(author);
  const t = checkText(text);
  if (typeof r !== 'string' && !r.ok) return undefined;
  if (!a.ok || !t.ok) return undefined;
  return { ok: true, value: { id, room: typeof r === 'string' ? r : r.value, author: a.value, text: t.value } };
}
