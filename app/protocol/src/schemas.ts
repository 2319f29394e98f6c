import { z } from 'zod';
import {
  AUTHOR_MAX,
  CLIENT_ID_MAX,
  CLIENT_ID_PATTERN,
  DELETE_KEY_MAX,
  DELETE_KEY_PATTERN,
  DEFAULT_ROOM,
  ERROR_CODES,
  FILENAME_MAX,
  HISTORY_LIMIT_DEFAULT,
  HISTORY_LIMIT_MAX,
  IMAGE_CONTENT_TYPES,
  IMAGE_KEY_PATTERN,
  MESSAGE_ID_MAX,
  MESSAGE_ID_PATTERN,
  PRESENCE_MEMBERS_MAX,
  ROOM_MAX,
  ROOM_PATTERN,
  SEQ_PATTERN,
  TEXT_MAX,
} from './limits';
import { CONTROL_CHARS, codePoints } from './checks';

export const messageIdSchema = z
  .string()
  .max(MESSAGE_ID_MAX, `id: at most ${MESSAGE_ID_MAX} characters`)
  .regex(MESSAGE_ID_PATTERN, 'id: 1-64 of A-Z a-z 0-9 _ -');

export const roomSchema = z.string().max(ROOM_MAX, `room: at most ${ROOM_MAX} characters`).regex(ROOM_PATTERN, 'room: 1-64 of a-z 0-9 _ -');

/**
 * `.meta()` gives a refinement its JSON Schema form (z.toJSONSchema cannot see inside a refine); JSON Schema counts
 * lengths in code points too. The AsyncAPI document is tested against that output.
 */
export const authorSchema = z
  .string()
  .trim()
  .min(1, 'author: required')
  .refine((s) => codePoints(s) <= AUTHOR_MAX, { message: `author: at most ${AUTHOR_MAX} characters`, params: { tooLarge: true } })
  .refine((s) => !CONTROL_CHARS.test(s) && !/[\r\n\t]/.test(s), 'author: no control characters')
  .meta({ maxLength: AUTHOR_MAX });

export const textSchema = z
  .string()
  .refine((s) => s.trim().length > 0, 'text: must not be empty')
  .refine((s) => codePoints(s) <= TEXT_MAX, { message: `text: at most ${TEXT_MAX} characters`, params: { tooLarge: true } })
  .refine((s) => !CONTROL_CHARS.test(s), 'text: no control characters')
  .meta({ minLength: 1, maxLength: TEXT_MAX });

export const imageKeySchema = z.string().max(200).regex(IMAGE_KEY_PATTERN, 'image.key: not a key issued by /upload-url');

export const seqSchema = z.string().regex(SEQ_PATTERN, 'seq: digits only');

export const clientIdSchema = z
  .string()
  .max(CLIENT_ID_MAX, `clientId: at most ${CLIENT_ID_MAX} characters`)
  .regex(CLIENT_ID_PATTERN, 'clientId: 1-64 of A-Z a-z 0-9 _ -');

export const deleteKeySchema = z
  .string()
  .max(DELETE_KEY_MAX, `deleteKey: at most ${DELETE_KEY_MAX} characters`)
  .regex(DELETE_KEY_PATTERN, 'deleteKey: 22-128 of A-Z a-z 0-9 _ -');

/** `sendMessage` payload as the client sends it (object form). */
export const sendMessageSchema = z
  .strictObject({
    id: messageIdSchema,
    room: roomSchema.default(DEFAULT_ROOM),
    author: authorSchema,
    text: textSchema.optional(),
    image: z.strictObject({ key: imageKeySchema }).optional(),
    /** An addition to v1: the browser's secret for deleting this message later; only its SHA-256 is stored, never sent on. */
    deleteKey: deleteKeySchema.optional(),
  })
  .refine((m) => (m.text === undefined) !== (m.image === undefined), {
    message: 'exactly one of text or image',
  })
  .meta({ oneOf: [{ required: ['text'] }, { required: ['image'] }] });
export type SendMessageInput = z.input<typeof sendMessageSchema>;
export type SendMessage = z.output<typeof sendMessageSchema>;

/** What every client receives (`newMessage`) and what history returns. */
export const chatMessageSchema = z.object({
  id: z.string(),
  room: z.string(),
  author: z.string(),
  text: z.string().optional(),
  imageUrl: z.string().optional(),
  sentAt: z.string(),
  seq: z.string(),
  /** An addition to v1: set once the message was deleted (by its author or a moderator); `text` and `imageUrl` are then absent. */
  deletedAt: z.string().optional(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const errorCodeSchema = z.enum(ERROR_CODES);
export const errorBodySchema = z.object({ code: errorCodeSchema, message: z.string() });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/**
 * An ack: `{ ok: true, ...answer }` or `{ ok: false, error }`. The server builds acks and never parses them: these
 * schemas are their types' single source and what the AsyncAPI document is tested against.
 */
const ackSchema = <Answer extends z.ZodRawShape>(answer: Answer) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), ...answer }), z.object({ ok: z.literal(false), error: errorBodySchema })]);

export const sendAckSchema = ackSchema({ id: z.string(), seq: z.string() });
export type SendAck = z.infer<typeof sendAckSchema>;
/** The answer to `join` and `leave`. */
export const joinAckSchema = ackSchema({ room: z.string() });
export type JoinAck = z.infer<typeof joinAckSchema>;

// ---- Presence, typing, deletes: additions to v1. ----

/**
 * Socket.IO handshake `auth` (`io(url, { auth })`). Both are optional: a socket without both is simply not listed
 * in presence (a v1 client sends none). A value that is present but invalid refuses the connection
 * (`connect_error` whose `message` names the field and whose `data` is an `ErrorBody` with code `invalid`).
 * Unknown keys are ignored.
 */
export const handshakeAuthSchema = z.object({
  clientId: clientIdSchema.optional(),
  author: authorSchema.optional(),
});
export type HandshakeAuth = z.input<typeof handshakeAuthSchema>;

/** `identify(identity, ack?)`: set or change the socket's identity (display name); presence updates follow. */
export const identifySchema = z.strictObject({
  clientId: clientIdSchema,
  author: authorSchema,
});
export type IdentifyInput = z.input<typeof identifySchema>;
export const okAckSchema = ackSchema({});
export type OkAck = z.infer<typeof okAckSchema>;
export type IdentifyAck = OkAck;

/** One person in a room: tabs of one browser (one clientId) count once. */
export const presenceMemberSchema = z.object({ clientId: z.string(), author: z.string() });
export type PresenceMember = z.infer<typeof presenceMemberSchema>;

/**
 * Server → room `presence`: who is in `room` now, sent (coalesced, a fraction of a second after the change) when a
 * listed socket joins, leaves, identifies or disconnects. `members` is sorted by author and holds at most
 * PRESENCE_MEMBERS_MAX entries; `count` is the number of distinct clientIds. A snapshot: replace, do not merge.
 */
export const presenceEventSchema = z.object({
  room: z.string(),
  members: z.array(presenceMemberSchema).max(PRESENCE_MEMBERS_MAX),
  count: z.int().min(0),
});
export type PresenceEvent = z.infer<typeof presenceEventSchema>;
/** `getPresence(room, ack)`: the same snapshot on demand, for a room this socket is in. */
export const presenceAckSchema = ackSchema(presenceEventSchema.shape);
export type PresenceAck = z.infer<typeof presenceAckSchema>;

/**
 * Client → server `typing({ room, typing }, ack?)`, for a room the socket is in, from an identified socket. Send
 * `typing: true` at most once per TYPING_THROTTLE_MS while typing, `typing: false` on stop or send. Rate-limited
 * per socket (`rate_limited`); never stored.
 */
export const typingInputSchema = z.strictObject({
  room: roomSchema,
  typing: z.boolean({ message: 'typing: true or false' }),
});
export type TypingInput = z.input<typeof typingInputSchema>;
export type TypingAck = OkAck;

/**
 * Server → the other sockets in the room `typing`. Other tabs of the same clientId receive it too: ignore your
 * own clientId. Expire an entry TYPING_EXPIRE_MS after its last event; `typing: false` also arrives when that
 * socket sends a message in the room, leaves it, or disconnects.
 */
export const typingEventSchema = z.object({ room: z.string(), clientId: z.string(), author: z.string(), typing: z.boolean() });
export type TypingEvent = z.infer<typeof typingEventSchema>;

/** `deleteMessage({ room, seq, deleteKey }, ack)`: the author deletes their message with the key it was sent with. */
export const deleteMessageSchema = z.strictObject({
  room: roomSchema,
  seq: seqSchema,
  deleteKey: deleteKeySchema,
});
export type DeleteMessageInput = z.input<typeof deleteMessageSchema>;
/**
 * `seq` in the answer is the stored (zero-padded) form. Codes: `invalid`, `forbidden` (not the key this message
 * was sent with, or it was sent without one), `not_found`, `rate_limited`, `unavailable`. Deleting a deleted
 * message again is `ok: true` (idempotent).
 */
export const deleteAckSchema = ackSchema({ room: z.string(), seq: z.string() });
export type DeleteAck = z.infer<typeof deleteAckSchema>;

/** Server → room `messageDeleted`: drop the text/image of that message (history returns it with `deletedAt` from now on). */
export const messageDeletedEventSchema = z.object({ room: z.string(), seq: z.string(), id: z.string(), deletedAt: z.string() });
export type MessageDeletedEvent = z.infer<typeof messageDeletedEventSchema>;

/**
 * Moderator `DELETE /messages/:room/:seq` with `Authorization: Bearer <ADMIN_TOKEN>` → 200 this body; errors are an
 * `ErrorResponse`: 400 `invalid`, 401 `unauthorized` (no bearer token), 403 `forbidden` (wrong token), 404
 * `not_found` (no such message, or moderation disabled because ADMIN_TOKEN is unset), 429 `rate_limited`,
 * 503 `unavailable`.
 */
export interface ModeratorDeleteResponse {
  ok: true;
  room: string;
  seq: string;
}

// ---- HTTP ----

/** Query strings arrive as strings, or arrays when a name repeats: take only single values. */
const queryString = z.string();

/** Unknown query parameters (a cache-buster, a tracking tag) are ignored, as HTTP APIs usually do. */
export const historyQuerySchema = z.object({
  room: roomSchema.default(DEFAULT_ROOM),
  limit: queryString
    .regex(/^[0-9]{1,4}$/, 'limit: an integer')
    .transform(Number)
    .pipe(z.number().int().min(1, 'limit: at least 1').max(HISTORY_LIMIT_MAX, `limit: at most ${HISTORY_LIMIT_MAX}`))
    .default(HISTORY_LIMIT_DEFAULT),
  before: seqSchema.optional(),
});
export type HistoryQuery = z.output<typeof historyQuerySchema>;

export interface HistoryResponse {
  /** Oldest → newest. */
  messages: ChatMessage[];
  /** Pass as `before` to get the page before this one; null when there is none. */
  nextBefore: string | null;
}

export const uploadUrlQuerySchema = z.object({
  filename: queryString.min(1, 'filename: required').max(FILENAME_MAX, `filename: at most ${FILENAME_MAX} characters`),
  contentType: z.enum(IMAGE_CONTENT_TYPES, { message: `contentType: one of ${IMAGE_CONTENT_TYPES.join(', ')}` }),
  size: queryString
    .regex(/^[0-9]{1,12}$/, 'size: an integer number of bytes')
    .transform(Number)
    .pipe(z.number().int().min(1, 'size: at least 1 byte')),
  room: roomSchema.default(DEFAULT_ROOM),
});
export type UploadUrlQuery = z.output<typeof uploadUrlQuerySchema>;

export interface UploadUrlResponse {
  /** `POST`: multipart form with `fields` then the file as `file` (S3 presigned POST). `PUT`: the raw body with `headers`. */
  method: 'POST' | 'PUT';
  url: string;
  fields?: Record<string, string>;
  headers?: Record<string, string>;
  /** Send this as `image.key` in `sendMessage`. */
  key: string;
  /** Seconds the URL stays valid. */
  expiresIn: number;
  maxBytes: number;
}

export interface ErrorResponse {
  error: ErrorBody;
}

/** `/config.json`: what the web app needs to know about the deployment it talks to. */
export const webConfigSchema = z.object({
  /** Base URL of the HTTP API and Socket.IO endpoint; '' means same origin. */
  apiUrl: z.string().default(''),
  maxUploadBytes: z.number().int().positive(),
  imageTypes: z.array(z.string()),
  protocolVersion: z.number().int(),
});
export type WebConfig = z.infer<typeof webConfigSchema>;
