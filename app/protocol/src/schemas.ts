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
  AUTH_MODES,
  INVITE_ID_PATTERN,
  INVITE_TOKEN_MAX,
  INVITE_TOKEN_PATTERN,
  INVITE_TTL_DEFAULT_SECONDS,
  INVITE_TTL_MAX_SECONDS,
  INVITE_TTL_MIN_SECONDS,
  ROLES,
  ROOM_MEMBERS_MAX,
  ROOM_VISIBILITIES,
  ROOMS_LIST_MAX,
  SIGNED_OUT_REASONS,
  TOKEN_MAX,
  IMAGE_KEY_PATTERN,
  MESSAGE_ID_MAX,
  MESSAGE_ID_PATTERN,
  PRESENCE_MEMBERS_MAX,
  ROOM_MAX,
  ROOM_PATTERN,
  SEQ_PATTERN,
  TEXT_MAX,
  EMOJI_MAX,
  PUSH_ENDPOINT_MAX,
  PUSH_KEY_MAX,
  PUSH_LEVELS,
  PUSH_ROOMS_MAX,
} from './limits';
import { AUTHOR_FORMAT_CHARS, CONTROL_CHARS, codePoints, hasFormatChars } from './checks';

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
  .refine((s) => !hasFormatChars(s), AUTHOR_FORMAT_CHARS)
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
    /** An addition to v1: the `seq` of the message (in the same room) this one answers. */
    replyTo: seqSchema.optional(),
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
  /** An addition to v1, signed-in mode only: the author's user id (`SessionUser.id`), so a client knows its own messages on any device. */
  authorId: z.string().optional(),
  /** An addition to v1: the `seq` (stored, zero-padded form) of the message of the same room this one answers. */
  replyTo: z.string().optional(),
  /** An addition to v1: when the text was last edited (ISO 8601); `text` is the latest. Absent if never edited. */
  editedAt: z.string().optional(),
  /** An addition to v1, in history only: how many people reacted with each emoji (only emoji with a count > 0). */
  reactions: z.record(z.string(), z.int().min(1)).optional(),
  /** An addition to v1, in history only: the emoji the asking person reacted with (signed in, or `clientId` given). */
  myReactions: z.array(z.string()).optional(),
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

/** An OpenID Connect ID token (a JWT) as the client got it from the provider; the server verifies it. */
export const tokenSchema = z.string().min(1, 'token: required').max(TOKEN_MAX, `token: at most ${TOKEN_MAX} characters`);

/**
 * Socket.IO handshake `auth` (`io(url, { auth })`). All optional: a socket without `clientId` and `author` is simply
 * not listed in presence (a v1 client sends none). A value that is present but invalid refuses the connection
 * (`connect_error` whose `message` names the field and whose `data` is an `ErrorBody` with code `invalid`).
 * Unknown keys are ignored. Signed-in mode (an addition): `token` is required (`connect_error` with `data.code`
 * `unauthorized` without a valid one) and the token's identity replaces `clientId` and `author`; open mode does not verify it.
 */
export const handshakeAuthSchema = z.object({
  clientId: clientIdSchema.optional(),
  author: authorSchema.optional(),
  token: tokenSchema.optional(),
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

/**
 * `deleteMessage({ room, seq, deleteKey? }, ack)`: the author deletes their message with the key it was sent with.
 * Signed-in mode: without a key, the socket's identity decides: its author, or a moderator, may delete it. Open mode:
 * without a key, `invalid`.
 */
export const deleteMessageSchema = z.strictObject({
  room: roomSchema,
  seq: seqSchema,
  deleteKey: deleteKeySchema.optional(),
});
export type DeleteMessageInput = z.input<typeof deleteMessageSchema>;
/**
 * `seq` in the answer is the stored (zero-padded) form. Codes: `invalid`, `forbidden` (not the key this message
 * was sent with, or it was sent without one; signed in: neither its author nor a moderator), `not_found`,
 * `rate_limited`, `unavailable`. Deleting a deleted
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

// ---- Edits, reactions, Web Push: additions to v1. ----

/**
 * `editMessage({ room, seq, text, deleteKey? }, ack)`: the author replaces the text of their text message, proving
 * authorship as for `deleteMessage` (the key it was sent with; signed in, without a key: being its author). The
 * text follows a new message's rules. Codes: `invalid` (also: an image message, a deleted one), `too_large`,
 * `forbidden`, `not_found`, `rate_limited`, `unavailable`. Sending the same edit again is `ok` and changes nothing.
 */
export const editMessageSchema = z.strictObject({
  room: roomSchema,
  seq: seqSchema,
  text: textSchema,
  deleteKey: deleteKeySchema.optional(),
});
export type EditMessageInput = z.input<typeof editMessageSchema>;
/** `seq` is the stored (zero-padded) form; `editedAt` the edit's time as stored (the one `messageEdited` carries). */
export const editAckSchema = ackSchema({ room: z.string(), seq: z.string(), editedAt: z.string() });
export type EditAck = z.infer<typeof editAckSchema>;

/**
 * Server → room `messageEdited`: the message's text is now `text`. The store orders the edits of one message and
 * gives each a later `editedAt` than the one before: events from different servers may arrive out of that order, so
 * apply one only if its `editedAt` is later than the one you hold.
 */
export const messageEditedEventSchema = z.object({
  room: z.string(),
  seq: z.string(),
  id: z.string(),
  text: z.string(),
  editedAt: z.string(),
});
export type MessageEditedEvent = z.infer<typeof messageEditedEventSchema>;

export const emojiSchema = z.string().min(1, 'emoji: required').max(EMOJI_MAX, `emoji: at most ${EMOJI_MAX} characters`);

/**
 * `react({ room, seq, emoji, on }, ack)`: from an identified socket (a `clientId`, or signed in) in that room, turn
 * this person's `emoji` reaction on the message on or off. One per person, emoji and message: sending the same
 * again changes nothing. `emoji` is one of the server's set (`/config.json` `reactions`). Codes: `invalid` (not in
 * the set, not identified, a deleted message), `forbidden`, `not_found`, `rate_limited`, `unavailable`.
 */
export const reactSchema = z.strictObject({
  room: roomSchema,
  seq: seqSchema,
  emoji: emojiSchema,
  on: z.boolean({ message: 'on: true or false' }),
});
export type ReactInput = z.input<typeof reactSchema>;
/** How many people reacted with each emoji; emoji without a reaction are left out. */
export const reactionCountsSchema = z.record(z.string(), z.int().min(1));
export type ReactionCounts = z.infer<typeof reactionCountsSchema>;
/**
 * A message's reactions change in one order, numbered by the store: `version` counts the changes. Events from
 * different servers may arrive out of that order: apply counts only if their `version` is above the one you hold
 * (history's counts are version 0).
 */
export const reactionsVersionSchema = z.int().min(0);
/** The message's counts after this reaction (at `version`), and the asking person's own reactions on it. */
export const reactAckSchema = ackSchema({
  room: z.string(),
  seq: z.string(),
  counts: reactionCountsSchema,
  version: reactionsVersionSchema,
  mine: z.array(z.string()),
});
export type ReactAck = z.infer<typeof reactAckSchema>;

/** Server → room `reactions`: a message's counts now (a snapshot: replace), coalesced a fraction of a second after toggles. */
export const reactionsEventSchema = z.object({
  room: z.string(),
  seq: z.string(),
  counts: reactionCountsSchema,
  version: reactionsVersionSchema,
});
export type ReactionsEvent = z.infer<typeof reactionsEventSchema>;

/** A browser's push subscription, as `PushSubscription.toJSON()` gives it (`expirationTime` is ignored). */
export const pushSubscriptionSchema = z.object({
  endpoint: z
    .string()
    .max(PUSH_ENDPOINT_MAX, `subscription.endpoint: at most ${PUSH_ENDPOINT_MAX} characters`)
    // http only for a push service on loopback in tests: the server refuses it unless configured to allow it.
    .regex(/^https?:\/\/[^\s]+$/, 'subscription.endpoint: a URL'),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({
    p256dh: z
      .string()
      .max(PUSH_KEY_MAX)
      .regex(/^[A-Za-z0-9_-]+=*$/, 'subscription.keys.p256dh: base64url'),
    auth: z
      .string()
      .max(PUSH_KEY_MAX)
      .regex(/^[A-Za-z0-9_-]+=*$/, 'subscription.keys.auth: base64url'),
  }),
});
export type PushSubscriptionInput = z.input<typeof pushSubscriptionSchema>;

/**
 * `subscribePush({ subscription, rooms }, ack)`: from an identified socket, this browser wants Web Push for these rooms
 * (`mentions`: messages that mention the person's name as `@name`; `all`: every message). Sending it again replaces
 * the rooms. Nothing is pushed for a room a socket of the person is in at the time. Codes: `invalid` (also: push is
 * not configured on this server), `too_large`, `rate_limited`, `unavailable`.
 */
export const subscribePushSchema = z.strictObject({
  subscription: pushSubscriptionSchema,
  rooms: z
    .record(roomSchema, z.enum(PUSH_LEVELS, { message: `rooms: each ${PUSH_LEVELS.join(' or ')}` }))
    .refine((r) => Object.keys(r).length <= PUSH_ROOMS_MAX, { message: `rooms: at most ${PUSH_ROOMS_MAX}`, params: { tooLarge: true } })
    .meta({ maxProperties: PUSH_ROOMS_MAX }),
});
export type SubscribePushInput = z.input<typeof subscribePushSchema>;

/** `unsubscribePush({ endpoint }, ack)`: no more pushes to that subscription; unknown endpoints are `ok`. */
export const unsubscribePushSchema = z.strictObject({
  endpoint: z.string().max(PUSH_ENDPOINT_MAX, `endpoint: at most ${PUSH_ENDPOINT_MAX} characters`),
});
export type UnsubscribePushInput = z.input<typeof unsubscribePushSchema>;

/** What a push message's payload is (JSON, encrypted for the subscription): enough for a notification and a link. */
export interface PushPayload {
  room: string;
  seq: string;
  id: string;
  author: string;
  /** The text, shortened; absent for an image. */
  text?: string;
  /** Why it was pushed: it mentions you, or the room is set to every message. */
  reason: 'mention' | 'all';
}

// ---- Sign-in, private rooms, invites and roles: additions to v1 (AUTH_MODE=signed-in). ----

export const roleSchema = z.enum(ROLES);

/** Who the server says a signed-in socket is: the token's identity, in the chat's terms. */
export const sessionUserSchema = z.object({
  /** Stable per person and issuer, 1–64 of [A-Za-z0-9_-]: presence's and typing's `clientId`, messages' `authorId`. */
  id: z.string(),
  /** The display name the server gives the token (with a suffix when two people share a name): every message's `author`. */
  name: z.string(),
  roles: z.array(roleSchema),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

/**
 * Server → client `session`: sent to a signed-in socket when it connects and after each accepted `authenticate`.
 * `expiresAt` (ISO 8601) is when its token expires: a client sends a fresh one (`authenticate`) before then, or
 * the server signs the socket out (`signedOut`, reason `token_expired`).
 */
export const sessionSchema = z.object({ user: sessionUserSchema, expiresAt: z.string() });
export type Session = z.infer<typeof sessionSchema>;

/**
 * `authenticate({ token }, ack)`: a refreshed token for this socket, which stays connected (rooms, presence and
 * recovery kept). The answer is the new `Session`. Codes: `invalid`/`too_large` (not a token), `unauthorized` (the
 * token is refused: the socket keeps its current one until that expires), `forbidden` (a token of another person:
 * reconnect to change who is signed in), `rate_limited`, `unavailable` (the issuer could not be asked: retry).
 * In open mode: `invalid`.
 */
export const authenticateSchema = z.strictObject({ token: tokenSchema });
export type AuthenticateInput = z.input<typeof authenticateSchema>;
export const authenticateAckSchema = ackSchema(sessionSchema.shape);
export type AuthenticateAck = z.infer<typeof authenticateAckSchema>;

/**
 * Server → client `signedOut`, just before the server disconnects a signed-in socket: `token_expired` (no fresh
 * token came before `expiresAt`: refresh and reconnect, or sign in again), `revoked` (an admin ended the session).
 */
export const signedOutEventSchema = z.object({ reason: z.enum(SIGNED_OUT_REASONS), message: z.string() });
export type SignedOutEvent = z.infer<typeof signedOutEventSchema>;

/** A room as `listRooms` lists it. Public rooms need no creating (`join` one); private ones are created (`createRoom`). */
export const roomSummarySchema = z.object({
  room: z.string(),
  visibility: z.enum(ROOM_VISIBILITIES),
  /** Private rooms: how many members it has. */
  memberCount: z.int().min(0).optional(),
});
export type RoomSummary = z.infer<typeof roomSummarySchema>;

/**
 * `createRoom({ room }, ack)`: a private room, its creator its first member. Codes: `invalid` (a bad name, or a room
 * of that name exists, public or private), `too_large`, `unauthorized`, `rate_limited`, `unavailable`.
 */
export const createRoomSchema = z.strictObject({ room: roomSchema });
export type CreateRoomInput = z.input<typeof createRoomSchema>;
export const roomAckSchema = ackSchema(roomSummarySchema.shape);
export type RoomAck = z.infer<typeof roomAckSchema>;

/**
 * `listRooms({ scope? }, ack)`: `mine` (the default) lists the public rooms this person joined and the private rooms
 * they are a member of; `all` lists every room, for an admin (`forbidden` for anyone else). Sorted by name.
 */
export const listRoomsSchema = z.strictObject({ scope: z.enum(['mine', 'all']).default('mine') });
export type ListRoomsInput = z.input<typeof listRoomsSchema>;
export const roomsAckSchema = ackSchema({ rooms: z.array(roomSummarySchema).max(ROOMS_LIST_MAX) });
export type RoomsAck = z.infer<typeof roomsAckSchema>;

export const inviteIdSchema = z.string().max(64, 'id: at most 64 characters').regex(INVITE_ID_PATTERN, 'id: 1-64 of A-Z a-z 0-9 _ -');
export const inviteTokenSchema = z
  .string()
  .max(INVITE_TOKEN_MAX, `token: at most ${INVITE_TOKEN_MAX} characters`)
  .regex(INVITE_TOKEN_PATTERN, 'token: not an invite token');

/** An invite to a private room, as `listInvites` lists it (without its token: only its creator saw that, once). */
export const inviteSummarySchema = z.object({
  id: z.string(),
  room: z.string(),
  /** ISO 8601. */
  expiresAt: z.string(),
  singleUse: z.boolean(),
  /** The creator's display name. */
  createdBy: z.string(),
});
export type InviteSummary = z.infer<typeof inviteSummarySchema>;
/** A new invite: the summary and its token, which the link carries (`INVITE_LINK_PREFIX`). */
export const inviteSchema = inviteSummarySchema.extend({ token: z.string() });
export type Invite = z.infer<typeof inviteSchema>;

/**
 * `createInvite({ room, expiresInSeconds?, singleUse? }, ack)`: by a member of the private room `room`; the link is
 * `<web origin>/#/invite/<token>`. Codes: `invalid`, `forbidden` (not a member, or a public room), `not_found`,
 * `unauthorized`, `rate_limited`, `unavailable`.
 */
export const createInviteSchema = z.strictObject({
  room: roomSchema,
  expiresInSeconds: z
    .int('expiresInSeconds: an integer')
    .min(INVITE_TTL_MIN_SECONDS, `expiresInSeconds: at least ${INVITE_TTL_MIN_SECONDS}`)
    .max(INVITE_TTL_MAX_SECONDS, `expiresInSeconds: at most ${INVITE_TTL_MAX_SECONDS}`)
    .default(INVITE_TTL_DEFAULT_SECONDS),
  singleUse: z.boolean('singleUse: true or false').default(false),
});
export type CreateInviteInput = z.input<typeof createInviteSchema>;
export const inviteAckSchema = ackSchema({ invite: inviteSchema });
export type InviteAck = z.infer<typeof inviteAckSchema>;

/** `listInvites({ room }, ack)`: the room's invites that can still be used, for a member (or an admin). */
export const roomRefSchema = z.strictObject({ room: roomSchema });
export type RoomRefInput = z.input<typeof roomRefSchema>;
export const invitesAckSchema = ackSchema({ room: z.string(), invites: z.array(inviteSummarySchema) });
export type InvitesAck = z.infer<typeof invitesAckSchema>;

/** `revokeInvite({ room, id }, ack)`: by a member of the room or an admin; revoking a revoked or expired invite is `ok`. */
export const revokeInviteSchema = z.strictObject({ room: roomSchema, id: inviteIdSchema });
export type RevokeInviteInput = z.input<typeof revokeInviteSchema>;

/**
 * `acceptInvite({ token }, ack)`: the signed-in person becomes a member of the invite's room (already one: `ok`);
 * the answer names the room, which the client then joins. Codes: `invalid` (not an invite token), `not_found` (an
 * invite that is unknown, expired, revoked or used up: the message says which), `unauthorized`, `rate_limited`,
 * `unavailable`.
 */
export const acceptInviteSchema = z.strictObject({ token: inviteTokenSchema });
export type AcceptInviteInput = z.input<typeof acceptInviteSchema>;

/** One member of a private room. */
export const roomMemberSchema = z.object({ id: z.string(), name: z.string() });
export type RoomMember = z.infer<typeof roomMemberSchema>;
/** `listMembers({ room }, ack)`: for a member of the private room, or an admin; sorted by name. */
export const membersAckSchema = ackSchema({ room: z.string(), members: z.array(roomMemberSchema).max(ROOM_MEMBERS_MAX) });
export type MembersAck = z.infer<typeof membersAckSchema>;

/**
 * `removeMember({ room, userId }, ack)`: an admin removes anyone from a private room; a member removes themself
 * (leaves it). The removed person's sockets leave the room at once. Codes: `invalid`, `forbidden`, `not_found`
 * (not a member), `unauthorized`, `rate_limited`, `unavailable`.
 */
export const removeMemberSchema = z.strictObject({ room: roomSchema, userId: clientIdSchema });
export type RemoveMemberInput = z.input<typeof removeMemberSchema>;

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
  /** An addition: open mode, the asker's `clientId`, for `myReactions` (signed-in mode takes the token's identity). */
  clientId: clientIdSchema.optional(),
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

/**
 * `/config.json`'s `auth` (an addition; absent means `open`): how the browser signs in. Signed-in: `issuer` (the
 * OpenID Connect issuer URL) and `clientId` (a public client: Authorization Code + PKCE, no secret) are required;
 * `scopes` defaults to `openid profile email`.
 */
export const webAuthConfigSchema = z
  .object({
    mode: z.enum(AUTH_MODES),
    issuer: z.string().optional(),
    clientId: z.string().optional(),
    scopes: z.string().optional(),
  })
  .refine((a) => a.mode === 'open' || (!!a.issuer && !!a.clientId), 'auth: signed-in needs issuer and clientId');
export type WebAuthConfig = z.infer<typeof webAuthConfigSchema>;

/** `/config.json`: what the web app needs to know about the deployment it talks to. */
export const webConfigSchema = z.object({
  /** Base URL of the HTTP API and Socket.IO endpoint; '' means same origin. */
  apiUrl: z.string().default(''),
  maxUploadBytes: z.number().int().positive(),
  imageTypes: z.array(z.string()),
  protocolVersion: z.number().int(),
  auth: webAuthConfigSchema.optional(),
  /** An addition: the reactions this server accepts, in the order to show them. */
  reactions: z.array(z.string()).optional(),
  /** An addition, present when Web Push is configured: the VAPID public key (base64url) for `pushManager.subscribe`. */
  push: z.object({ vapidPublicKey: z.string() }).optional(),
});
export type WebConfig = z.infer<typeof webConfigSchema>;
