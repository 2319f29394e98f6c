import { z } from 'zod';
import {
  AUTHOR_MAX,
  DEFAULT_ROOM,
  ERROR_CODES,
  FILENAME_MAX,
  HISTORY_LIMIT_DEFAULT,
  HISTORY_LIMIT_MAX,
  IMAGE_CONTENT_TYPES,
  IMAGE_KEY_PATTERN,
  MESSAGE_ID_MAX,
  MESSAGE_ID_PATTERN,
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

export const roomSchema = z
  .string()
  .max(ROOM_MAX, `room: at most ${ROOM_MAX} characters`)
  .regex(ROOM_PATTERN, 'room: 1-64 of a-z 0-9 _ -');

export const authorSchema = z
  .string()
  .trim()
  .min(1, 'author: required')
  .refine((s) => codePoints(s) <= AUTHOR_MAX, { message: `author: at most ${AUTHOR_MAX} characters`, params: { tooLarge: true } })
  .refine((s) => !CONTROL_CHARS.test(s) && !/[\r\n\t]/.test(s), 'author: no control characters');

export const textSchema = z
  .string()
  .refine((s) => s.trim().length > 0, 'text: must not be empty')
  .refine((s) => codePoints(s) <= TEXT_MAX, { message: `text: at most ${TEXT_MAX} characters`, params: { tooLarge: true } })
  .refine((s) => !CONTROL_CHARS.test(s), 'text: no control characters');

export const imageKeySchema = z.string().max(200).regex(IMAGE_KEY_PATTERN, 'image.key: not a key issued by /upload-url');

export const seqSchema = z.string().regex(SEQ_PATTERN, 'seq: digits only');

/** `sendMessage` payload as the client sends it (object form). */
export const sendMessageSchema = z
  .strictObject({
    id: messageIdSchema,
    room: roomSchema.default(DEFAULT_ROOM),
    author: authorSchema,
    text: textSchema.optional(),
    image: z.strictObject({ key: imageKeySchema }).optional(),
  })
  .refine((m) => (m.text === undefined) !== (m.image === undefined), {
    message: 'exactly one of text or image',
  });
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
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const errorCodeSchema = z.enum(ERROR_CODES);
export const errorBodySchema = z.object({ code: errorCodeSchema, message: z.string() });
export type ErrorBody = z.infer<typeof errorBodySchema>;

export type SendAck = { ok: true; id: string; seq: string } | { ok: false; error: ErrorBody };
export type JoinAck = { ok: true; room: string } | { ok: false; error: ErrorBody };

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
