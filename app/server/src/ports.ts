import type {
  ImageContentType,
  PushLevel,
  MessageDeletedEvent,
  MessageEditedEvent,
  ReactionsEvent,
  UploadUrlResponse,
} from '@chat/protocol';

/**
 * The seams between the chat and the world around it: four backends (queue, store, deletes, uploads), which aws and
 * embedded adapters implement, and the room's sockets (`RoomEvents`), which Socket.IO does. Use cases and the
 * consumer see only these. Each backend's `ping` resolves while it answers (for /readyz).
 */

/** A message as accepted from a client, before it has a place in its room's order. */
export interface AcceptedMessage {
  id: string;
  room: string;
  author: string;
  text?: string;
  imageKey?: string;
  /** SHA-256 (hex) of the author's delete key, when they sent one; stored, never sent to clients. */
  deleteHash?: string;
  /** The seq (zero-padded) of the message of the same room this one answers; checked to exist when accepted. */
  replyTo?: string;
  /** Signed-in mode: the author's user id (their token's identity), which proves authorship without a key. */
  authorId?: string;
}

/** A message with its place in the room's order: what history holds. */
export interface SequencedMessage extends AcceptedMessage {
  seq: string;
  sentAt: string;
  /** Set once deleted; a deleted row keeps id, author, seq, sentAt and deleteHash, never text or imageKey. */
  deletedAt?: string;
  /** Set by each edit (`MessageEdits`), later each time; `text` is then the latest. */
  editedAt?: string;
}

export interface Delivery {
  message: AcceptedMessage;
  /** Opaque handle to acknowledge the delivery with `delete` (or hand it back with `release`). */
  receipt: string;
  /**
   * How many times the queue has handed this message out, this time included (SQS: ApproximateReceiveCount). Above 1
   * it is a redelivery: an earlier receiver may have stored it and stopped before broadcasting it.
   */
  receiveCount: number;
}

/** What a queue adapter says of itself, so the consumer need not guess it from the mode. */
export interface QueueCapabilities {
  /**
   * A receive waiting on an empty queue returns as soon as a room (message group) unlocks with messages waiting, i.e.
   * when the messages in flight before them are deleted or released. Then the consumer can receive again while a
   * batch is being stored; otherwise it lets the batch finish first, so that its next poll does not find those rooms
   * still locked and wait out the whole poll.
   */
  wakesWhenGroupUnlocks: boolean;
}

/**
 * SQS FIFO as the server relies on it: order per room (message group) and a group lock (no message of a group is
 * handed out while an earlier one is in flight), deduplication by message id per group for five minutes, and a
 * received message that is neither deleted nor kept in flight becomes visible again after the visibility timeout
 * (after `maxReceiveCount` receives it moves to the dead-letter queue).
 */
export interface MessageQueue {
  readonly capabilities: QueueCapabilities;
  send(message: AcceptedMessage): Promise<void>;
  /**
   * Wait for messages (long poll, at most `maxWaitSeconds` when given); resolves with none when the wait ends empty
   * or `signal` aborts.
   */
  receive(signal: AbortSignal, maxWaitSeconds?: number): Promise<Delivery[]>;
  delete(receipts: string[]): Promise<void>;
  /** Hand received messages back at once (visibility 0): at shutdown, for messages received but not stored. */
  release(receipts: string[]): Promise<void>;
  /** Keep received messages in flight `seconds` longer: a room whose store is failing holds its place in line. */
  extend(receipts: string[], seconds: number): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
export interface HistoryPage {
  /** Newest first. */
  messages: SequencedMessage[];
  more: boolean;
}

/** Why an `append` wrote nothing. */
export type AppendConflict =
  /** Another writer already holds one of the seqs: reload the room's head and sequence again. */
  | { kind: 'seq_taken'; seq: string }
  /** One of the ids is already stored, at `seq`: a retry, settled with that first seq. */
  | { kind: 'id_known'; id: string; seq: string };

export type AppendResult = { ok: true } | { ok: false; conflict: AppendConflict };

/** The message itself can never be written (too large, refused as invalid): retrying cannot help, it is left for the dead-letter queue. */
export class UnwritableMessage extends Error {
  override name = 'UnwritableMessage';
}

/**
 * History, and the ids that make a retry recognisable. Writers never overwrite: a message's row and its id record
 * are written together or not at all, each only if it does not exist yet, so several writers (servers, or one
 * server after a restart) can never store two messages at one seq, nor one id twice.
 */
export interface MessageStore {
  /** The room's last seq (0 when empty), from its newest row. */
  head(room: string): Promise<bigint>;
  /** id → seq for those of `ids` already stored in the room (remembered for at least the idempotency window). */
  lookup(room: string, ids: string[], opts?: { consistent?: boolean }): Promise<Map<string, string>>;
  /**
   * Write `messages` (one room, consecutive seqs in order) and their id records, all or nothing. A retry of the same
   * call after a timeout is safe: it succeeds if the first one did, or reports `id_known` with the same seqs.
   */
  append(room: string, messages: SequencedMessage[]): Promise<AppendResult>;
  /**
   * Newest first; `before` excludes that seq and later ones. Consistent unless `consistent: false`, which may miss
   * what was written in the last second: for pages that cannot change (older than a seq already seen), at half the cost.
   */
  page(room: string, limit: number, before?: string, opts?: { consistent?: boolean }): Promise<HistoryPage>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Deleting messages: beside MessageStore, so that the store's own contract (append only, never overwrite) stays as it is. */
export interface MessageDeletes {
  /** The stored row at `seq`, deleted or not. */
  find(room: string, seq: string): Promise<SequencedMessage | undefined>;
  /**
   * Drop the row's text and image key and set `deletedAt`, if the row exists and is not deleted yet. `before` is
   * the row as it was (already deleted: `before.deletedAt` is set and `after` equals it); undefined when no row.
   */
  markDeleted(room: string, seq: string, deletedAt: string): Promise<{ before: SequencedMessage; after: SequencedMessage } | undefined>;
}

/** Why an edit changed nothing. */
export type EditRefusal = 'not_found' | 'deleted' | 'not_text';

export type EditResult = { ok: true; row: SequencedMessage; changed: boolean } | { ok: false; reason: EditRefusal; row?: SequencedMessage };

/**
 * Editing a message's text, beside MessageStore like deletes. The store orders the edits of one row: each is a
 * conditional write on the `editedAt` it read, and gets an `editedAt` later than that one, so every reader (history,
 * and clients comparing `editedAt`) sees one order of edits, whichever server made them.
 */
export interface MessageEdits {
  /**
   * Replace the text of the text message at `seq` (not deleted) with `text`, its `editedAt` `at` or, if that is not
   * later than the row's, 1 ms after the row's. The same text as now changes nothing (`changed: false`: a retry).
   */
  edit(room: string, seq: string, text: string, at: Date): Promise<EditResult>;
}

/** One message's reactions: counts per emoji (only those above 0), and the asking person's own. */
export interface ReactionSummary {
  counts: Record<string, number>;
  /** How many changes made these counts: the store numbers a message's reaction changes, so readers can order them. */
  version: number;
  mine: string[];
}

/**
 * Reactions, one per person, emoji and message: a per-person record written only if absent (removed only if
 * present) together with the message's count, so retries and concurrent toggles never count twice.
 */
export interface MessageReactions {
  /** Turn `person`'s `emoji` on `seq` on or off; `changed` false when it already was so. Counts after the change. */
  set(room: string, seq: string, person: string, emoji: string, on: boolean): Promise<ReactionSummary & { changed: boolean }>;
  /** The reactions of `seqs` (those without any are left out); `mine` for `person` when given, else empty. */
  summaries(room: string, seqs: string[], person?: string): Promise<Map<string, ReactionSummary>>;
}

/** A browser's Web Push subscription and whom it belongs to. */
export interface PushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** The person (clientId, or signed-in user id): no push for a room one of their sockets is in. */
  person: string;
  /** Their display name, for `@name` mentions. */
  name: string;
}

/** Which browsers want Web Push for a room, and at what level. */
export interface PushSubscriptions {
  /** Store `target` with a level per room, replacing the rooms it had (rooms left out no longer push). */
  put(target: PushTarget, rooms: Record<string, PushLevel>): Promise<void>;
  /** Forget the subscription everywhere; unknown endpoints are no error. */
  remove(endpoint: string): Promise<void>;
  /** The subscriptions of a room. */
  forRoom(room: string): Promise<(PushTarget & { level: PushLevel })[]>;
}

export type ImageResponse =
  { kind: 'redirect'; url: string } | { kind: 'file'; path: string; contentType: ImageContentType } | { kind: 'missing' };

export type ClaimOutcome = 'claimed' | 'missing' | 'taken' | 'not_an_image';

/** The message that owns an image: room and id name it (ids are unique within a room). */
export const imageOwner = (room: string, id: string): string => `${room}/${id}`;

export interface UploadStore {
  /** A URL the browser uploads to directly; the storage itself refuses a body over `maxBytes`. */
  createUpload(key: string, contentType: ImageContentType, maxBytes: number): Promise<UploadUrlResponse>;
  exists(key: string): Promise<boolean>;
  /**
   * Keep an uploaded image for good because the message `owner` (imageOwner) uses it: until then it is pending and
   * expires. The first message to claim a key owns it: another owner's claim is `taken`, the same owner's again is
   * `claimed` (a retried send). `missing` when nothing was uploaded under `key`; `not_an_image` when what was
   * uploaded does not start like the image type the key was issued for.
   */
  claim(key: string, owner: string): Promise<ClaimOutcome>;
  image(key: string): Promise<ImageResponse>;
  /**
   * Remove an uploaded object (a deleted message's image) if `owner` owns it: a message reusing another's key must
   * never take the image away. Removing what is not there is no error.
   */
  remove(key: string, owner: string): Promise<void>;
  /** Origins the browser contacts for uploads and images, for the Content-Security-Policy. */
  origins(): string[];
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface Backends {
  mode: 'aws' | 'embedded';
  queue: MessageQueue;
  store: MessageStore;
  /** Over the same history as `store`. */
  deletes: MessageDeletes;
  edits: MessageEdits;
  reactions: MessageReactions;
  push: PushSubscriptions;
  uploads: UploadStore;
  memberships: Memberships;
  /** Express routes the embedded uploads need (signed PUT); none in aws mode. */
  routes?: import('express').Router;
}

/**
 * What the chat tells the sockets of a room, on every server. Implemented once, over Socket.IO
 * (transport/sockets/room-events.ts), which also carries what other servers tell this one.
 */
export interface RoomEvents {
  /** A message this server stored: to every socket of its room, and to the server where its sender may be waiting. */
  newMessage(message: SequencedMessage): void;
  /** A message was deleted: to every socket of its room. */
  messageDeleted(event: MessageDeletedEvent): void;
  /** A message was edited: to every socket of its room. */
  messageEdited(event: MessageEditedEvent): void;
  /** A message's reactions changed: to every socket of its room (coalesced by the caller). */
  reactions(event: ReactionsEvent): void;
}

/** A private room's record. A room without one is public. */
export interface PrivateRoom {
  room: string;
  /** The creator's user id. */
  createdBy: string;
  createdAt: string;
}

export interface RoomMemberRecord {
  id: string;
  name: string;
}

/** An invite to a private room; its token (signed by the server) names `id` and `room`, the store holds the rest. */
export interface InviteRecord {
  id: string;
  room: string;
  /** ISO 8601. */
  expiresAt: string;
  singleUse: boolean;
  /** The creator's display name. */
  createdBy: string;
  /** Set once revoked, or once a single-use invite was used. */
  revokedAt?: string;
  usedAt?: string;
}

/** Why `useInvite` admitted nobody. */
export type InviteRefusal = 'unknown' | 'expired' | 'revoked' | 'used';

/**
 * Private rooms, their members and their invites, shared by every server (SQLite beside the history in embedded mode,
 * the history table's reserved partitions in aws mode). Writes are conditional where two servers could race: a
 * room is created once, a single-use invite admits one person.
 */
export interface Memberships {
  /** False when a private room of that name exists already. */
  createRoom(room: PrivateRoom, creator: RoomMemberRecord): Promise<boolean>;
  /** The private room's record; undefined: the room is public. */
  privateRoom(room: string): Promise<PrivateRoom | undefined>;
  /** Every private room, by name. */
  privateRooms(limit: number): Promise<PrivateRoom[]>;
  isMember(room: string, userId: string): Promise<boolean>;
  /** Adding a member again keeps one entry (with the newer name). */
  addMember(room: string, member: RoomMemberRecord): Promise<void>;
  /** False when they were not a member. */
  removeMember(room: string, userId: string): Promise<boolean>;
  /** Sorted by name, then id. */
  members(room: string, limit: number): Promise<RoomMemberRecord[]>;
  /** The private rooms `userId` is a member of, by name. */
  roomsOf(userId: string, limit: number): Promise<string[]>;
  createInvite(invite: InviteRecord): Promise<void>;
  invite(room: string, id: string): Promise<InviteRecord | undefined>;
  /** The room's invites, revoked and expired ones included, newest expiry last. */
  invites(room: string): Promise<InviteRecord[]>;
  /** Revoking again, or an unknown invite, is no error. */
  revokeInvite(room: string, id: string, at: string): Promise<void>;
  /**
   * Admit one person with this invite at `at`: refused when unknown, expired, revoked, or single-use and used (of
   * two servers using one single-use invite at once, one wins). Does not add the member.
   */
  useInvite(room: string, id: string, at: string): Promise<{ ok: true } | { ok: false; reason: InviteRefusal }>;
  /**
   * The deployment's secret for signing invites and image links, the same on every server: made by whichever asks
   * first, kept for good.
   */
  signingSecret(): Promise<Buffer>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
