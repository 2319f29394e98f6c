/** Limits of protocol v1. Server, web client and load test read them from here, never restate them. */

export const PROTOCOL_VERSION = 1;

export const DEFAULT_ROOM = 'global';
export const ANONYMOUS_AUTHOR = 'anonymous';

/** Client-generated idempotency key: 1–64 of [A-Za-z0-9_-]. */
export const MESSAGE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MESSAGE_ID_MAX = 64;
/** Room names: 1–64 of [a-z0-9_-]. */
export const ROOM_PATTERN = /^[a-z0-9_-]{1,64}$/;
export const ROOM_MAX = 64;

/** Lengths count Unicode code points, so an emoji is one character as a reader sees it. */
export const AUTHOR_MAX = 40;
export const TEXT_MAX = 2000;

export const HISTORY_LIMIT_DEFAULT = 50;
export const HISTORY_LIMIT_MAX = 200;

/** `seq` is a zero-padded decimal so that string order is numeric order. */
export const SEQ_WIDTH = 20;
export const SEQ_PATTERN = /^[0-9]{1,20}$/;

/** The only uploads accepted, with the extension the server gives their key. */
export const IMAGE_TYPES = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
} as const;
export type ImageContentType = keyof typeof IMAGE_TYPES;
export const IMAGE_CONTENT_TYPES = Object.keys(IMAGE_TYPES) as ImageContentType[];
export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
export const FILENAME_MAX = 255;

/** Keys the server issues: `rooms/<room>/<ULID>.<ext>`; never derived from the uploader's filename. */
export const IMAGE_KEY_PATTERN = /^rooms\/([a-z0-9_-]{1,64})\/([0-9A-HJKMNP-TV-Z]{26})\.(png|jpg|gif|webp)$/;

/**
 * `forbidden` and `unauthorized` came with deletes and serve sign-in too (`unauthorized`: sign in again; `forbidden`:
 * signed in, but not allowed, e.g. a private room one is not a member of): additions, v1's codes are unchanged.
 */
export const ERROR_CODES = [
  'invalid',
  'too_large',
  'rate_limited',
  'unavailable',
  'not_found',
  'internal',
  'forbidden',
  'unauthorized',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

// ---- Additions for presence, typing and deletes; a v1 client never sees or needs them. ----

/** A browser's stable identity (random, kept in localStorage; tabs of one browser share it): 1–64 of [A-Za-z0-9_-]. */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const CLIENT_ID_MAX = 64;

/**
 * A browser's secret that proves authorship of its messages (random, kept in localStorage): 22–128 of
 * [A-Za-z0-9_-] (22 base64url characters are 128 bits). The server keeps only its SHA-256.
 */
export const DELETE_KEY_PATTERN = /^[A-Za-z0-9_-]{22,128}$/;
export const DELETE_KEY_MIN = 22;
export const DELETE_KEY_MAX = 128;

/** A `presence` event lists at most this many members (sorted by author); `count` is always the full number. */
export const PRESENCE_MEMBERS_MAX = 100;

/** Clients send `typing: true` at most once per this interval while the user types (and `typing: false` when they stop). */
export const TYPING_THROTTLE_MS = 2000;
/** Clients drop a typing entry this long after its last `typing` event. */
export const TYPING_EXPIRE_MS = 5000;

// ---- Additions for sign-in (AUTH_MODE=signed-in), private rooms, invites and roles. ----

/** `open`: anyone, v1's behaviour (the default). `signed-in`: every socket and API route needs an OpenID Connect token. */
export const AUTH_MODES = ['open', 'signed-in'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** The longest token (an OpenID Connect ID token, a JWT) a client may send: Cognito's with many groups stay far below. */
export const TOKEN_MAX = 16384;

/** Roles from the token's groups claim; an admin is a moderator too. */
export const ROLES = ['admin', 'moderator'] as const;
export type Role = (typeof ROLES)[number];

/** Why the server ended a signed-in socket (`signedOut`, just before it disconnects it). */
export const SIGNED_OUT_REASONS = ['token_expired', 'revoked'] as const;
export type SignedOutReason = (typeof SIGNED_OUT_REASONS)[number];

export const ROOM_VISIBILITIES = ['public', 'private'] as const;
export type RoomVisibility = (typeof ROOM_VISIBILITIES)[number];

/** An invite link's lifetime: from a minute to 30 days, a week unless the creator says otherwise. */
export const INVITE_TTL_MIN_SECONDS = 60;
export const INVITE_TTL_MAX_SECONDS = 30 * 24 * 3600;
export const INVITE_TTL_DEFAULT_SECONDS = 7 * 24 * 3600;
/** An invite's token, opaque to clients (the server signs it): 16–512 of [A-Za-z0-9_.-], safe in a URL as it is. */
export const INVITE_TOKEN_PATTERN = /^[A-Za-z0-9_.-]{16,512}$/;
export const INVITE_TOKEN_MAX = 512;
/** An invite's id (what revoking names): 1–64 of [A-Za-z0-9_-]. */
export const INVITE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Where a web client opens an invite: `<page origin>/#/invite/<token>` (a fragment, so the token never reaches a server log). */
export const INVITE_LINK_PREFIX = '#/invite/';

/** At most this many rooms in a `listRooms` answer, and members in a `listMembers` answer. */
export const ROOMS_LIST_MAX = 500;
export const ROOM_MEMBERS_MAX = 1000;

/** Compare two `seq` values (numeric strings, possibly of different widths). */
export function compareSeq(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function formatSeq(n: number | bigint): string {
  return n.toString().padStart(SEQ_WIDTH, '0');
}

export function imageKeyRoom(key: string): string | undefined {
  return IMAGE_KEY_PATTERN.exec(key)?.[1];
}

// ---- Additions for edits, reactions, replies and Web Push; a v1 client never sees or needs them. ----

/** The reactions a server accepts unless configured otherwise (`REACTION_EMOJI`); `/config.json` lists the set in use. */
export const DEFAULT_REACTION_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢'] as const;
/** An emoji as sent: one emoji is a few code units (a flag or a family is longer), never more than this. */
export const EMOJI_MAX = 32;
/** Per-room Web Push preference: a push for messages that mention you, or for every message. */
export const PUSH_LEVELS = ['mentions', 'all'] as const;
export type PushLevel = (typeof PUSH_LEVELS)[number];
/** Rooms one push subscription may set a preference for. */
export const PUSH_ROOMS_MAX = 100;
/** A push service's endpoint URL, and a subscription key (base64url), as browsers make them: well under these. */
export const PUSH_ENDPOINT_MAX = 2048;
export const PUSH_KEY_MAX = 256;
