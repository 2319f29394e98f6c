/**
 * The checks a client needs, without zod: the browser bundle would otherwise carry ~90 kB of validators for
 * four strings and two server answers. The zod schemas (schemas.ts) stay the server's rules; checks.test.ts
 * holds these to the same answers (code and message) on the same inputs, so the two cannot drift apart.
 */
import { AUTHOR_MAX, ROOM_MAX, ROOM_PATTERN, TEXT_MAX } from './limits';
import type { ChatMessage, ErrorBody, WebAuthConfig, WebConfig } from './schemas';
import type { Parsed } from './validate';

/** Lengths count Unicode code points, so an emoji is one character as a reader sees it. */
export function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** C0/C1 controls other than tab and newlines have no place in a chat line or a name. */
export const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/**
 * Invisible format characters (Unicode category Cf): bidirectional overrides and isolates that make a name read
 * backwards or flip the line after it, zero-width spaces and joiners that make two names look alike, the BOM, soft
 * hyphens. A zero-width joiner between two emoji builds one emoji (👩‍💻) and is allowed there.
 */
export function hasFormatChars(s: string): boolean {
  return FORMAT_CHARS.test(s.replace(EMOJI_JOINER, '$1'));
}
const EMOJI_JOINER = /(\p{Extended_Pictographic}\uFE0F?)\u200D(?=\p{Extended_Pictographic})/gu;
const FORMAT_CHARS = /\p{Cf}/u;

/** Why a display name with such characters is refused (the same words from the server and the client). */
export const AUTHOR_FORMAT_CHARS = 'author: no invisible or direction-changing characters';

const fail = (code: ErrorBody['code'], message: string): Parsed<never> => ({ ok: false, error: { code, message } });

/** A display name: trimmed, 1–40 characters, no control or invisible format characters (`sendMessage`'s `author`). */
export function checkAuthor(input: unknown): Parsed<string> {
  if (typeof input !== 'string') return fail('invalid', 'author: expected a string');
  const name = input.trim();
  if (name.length === 0) return fail('invalid', 'author: required');
  if (codePoints(name) > AUTHOR_MAX) return fail('too_large', `author: at most ${AUTHOR_MAX} characters`);
  if (CONTROL_CHARS.test(name) || /[\r\n\t]/.test(name)) return fail('invalid', 'author: no control characters');
  if (hasFormatChars(name)) return fail('invalid', AUTHOR_FORMAT_CHARS);
  return { ok: true, value: name };
}

/** A message's text: not blank, at most 2000 characters, no control characters but tab and newlines. */
export function checkText(input: unknown): Parsed<string> {
  if (typeof input !== 'string') return fail('invalid', 'text: expected a string');
  if (input.trim().length === 0) return fail('invalid', 'text: must not be empty');
  if (codePoints(input) > TEXT_MAX) return fail('too_large', `text: at most ${TEXT_MAX} characters`);
  if (CONTROL_CHARS.test(input)) return fail('invalid', 'text: no control characters');
  return { ok: true, value: input };
}

/** A room name: 1–64 of a-z 0-9 _ -. */
export function checkRoom(input: unknown): Parsed<string> {
  if (typeof input !== 'string') return fail('invalid', 'room: expected a string');
  // zod, whose `max` the server uses, counts code points too.
  if (codePoints(input) > ROOM_MAX) return fail('too_large', `room: at most ${ROOM_MAX} characters`);
  if (!ROOM_PATTERN.test(input)) return fail('invalid', 'room: 1-64 of a-z 0-9 _ -');
  return { ok: true, value: input };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fields of a `ChatMessage`: required ones must be strings, optional ones strings when present. */
const CHAT_MESSAGE_FIELDS: Record<Exclude<keyof ChatMessage, 'reactions' | 'myReactions'>, 'required' | 'optional'> = {
  id: 'required',
  room: 'required',
  author: 'required',
  text: 'optional',
  imageUrl: 'optional',
  sentAt: 'required',
  seq: 'required',
  deletedAt: 'optional',
  authorId: 'optional',
  replyTo: 'optional',
  editedAt: 'optional',
};

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
/** `reactions`: emoji → a positive integer count. */
const isCounts = (v: unknown): v is Record<string, number> =>
  isRecord(v) && Object.values(v).every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 1);

/** A message from `newMessage` or `/history`, with only its known fields; undefined when it is not one. */
export function readChatMessage(input: unknown): ChatMessage | undefined {
  if (!isRecord(input)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [field, need] of Object.entries(CHAT_MESSAGE_FIELDS)) {
    const value = input[field];
    if (value === undefined && need === 'optional') continue;
    if (typeof value !== 'string') return undefined;
    out[field] = value;
  }
  const { reactions, myReactions } = input;
  if (reactions !== undefined) {
    if (!isCounts(reactions)) return undefined;
    out['reactions'] = { ...reactions };
  }
  if (myReactions !== undefined) {
    if (!isStringList(myReactions)) return undefined;
    out['myReactions'] = [...myReactions];
  }
  return out as ChatMessage;
}

/** `/config.json`: `apiUrl` defaults to '' (same origin); the rest is required. */
export function readWebConfig(input: unknown): Parsed<WebConfig> {
  if (!isRecord(input)) return fail('invalid', 'expected an object');
  const apiUrl = input['apiUrl'] ?? '';
  if (typeof apiUrl !== 'string') return fail('invalid', 'apiUrl: expected a string');
  const { maxUploadBytes, imageTypes, protocolVersion } = input;
  if (typeof maxUploadBytes !== 'number' || !Number.isSafeInteger(maxUploadBytes) || maxUploadBytes <= 0) {
    return fail('invalid', 'maxUploadBytes: a positive integer');
  }
  if (!Array.isArray(imageTypes) || !imageTypes.every((t) => typeof t === 'string'))
    return fail('invalid', 'imageTypes: a list of strings');
  if (typeof protocolVersion !== 'number' || !Number.isSafeInteger(protocolVersion)) return fail('invalid', 'protocolVersion: an integer');
  const value: WebConfig = { apiUrl, maxUploadBytes, imageTypes: [...imageTypes] as string[], protocolVersion };
  const { reactions, push } = input;
  if (reactions !== undefined) {
    if (!isStringList(reactions)) return fail('invalid', 'reactions: a list of strings');
    value.reactions = [...reactions];
  }
  if (push !== undefined) {
    if (!isRecord(push) || typeof push['vapidPublicKey'] !== 'string') return fail('invalid', 'push: { vapidPublicKey }');
    value.push = { vapidPublicKey: push['vapidPublicKey'] };
  }
  const auth = input['auth'];
  if (auth === undefined) return { ok: true, value };
  // One message for every way `auth` can be wrong: the browser only shows it.
  const bad = fail('invalid', 'auth: { mode: open | signed-in, issuer, clientId, scopes? } (signed-in needs issuer and clientId)');
  if (!isRecord(auth) || (auth['mode'] !== 'open' && auth['mode'] !== 'signed-in')) return bad;
  const out: Record<string, unknown> = { mode: auth['mode'] };
  for (const key of ['issuer', 'clientId', 'scopes']) {
    if (auth[key] !== undefined && typeof auth[key] !== 'string') return bad;
    if (auth[key] !== undefined) out[key] = auth[key];
  }
  if (out['mode'] === 'signed-in' && !(out['issuer'] && out['clientId'])) return bad;
  return { ok: true, value: { ...value, auth: out as WebAuthConfig } };
}
