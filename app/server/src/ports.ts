import type { ImageContentType, UploadUrlResponse } from '@chat/protocol';

/**
 * The three seams between the chat and its backends. Use cases see only these; aws and embedded adapters
 * implement them. Each `ping` resolves while its backend answers (for /readyz).
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
}

/** A message with its place in the room's order: what history holds. */
export interface SequencedMessage extends AcceptedMessage {
  seq: string;
  sentAt: string;
  /** Set once deleted; a deleted row keeps id, author, seq, sentAt and deleteHash, never text or imageKey. */
  deletedAt?: string;
}

export interface Delivery {
  message: AcceptedMessage;
  /** Opaque handle to acknowledge the delivery with `delete`. */
  receipt: string;
}

/** FIFO per room, deduplicated by message id (SQS FIFO: group = room, dedup id = id). */
export interface MessageQueue {
  send(message: AcceptedMessage): Promise<void>;
  /** Wait for messages (long poll); resolves with none when the wait ends empty or `signal` aborts. */
  receive(signal: AbortSignal): Promise<Delivery[]>;
  delete(receipts: string[]): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface HistoryPage {
  /** Newest first. */
  messages: SequencedMessage[];
  more: boolean;
}

export interface MessageStore {
  /**
   * Write messages at their `seq`s. Writing the same message again is a no-op, so a retry after a timeout is safe.
   * The queue's single consumer (the Sequencer) is the only writer, which is what makes its seqs unique.
   */
  putAll(messages: SequencedMessage[]): Promise<void>;
  /** Newest first; `before` excludes that seq and later ones. */
  page(room: string, limit: number, before?: string): Promise<HistoryPage>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Deleting messages (issue 12), beside MessageStore so the store's own contract stays as it is. */
export interface MessageDeletes {
  /** The stored row at `seq`, deleted or not. */
  find(room: string, seq: string): Promise<SequencedMessage | undefined>;
  /**
   * Drop the row's text and image key and set `deletedAt`, if the row exists and is not deleted yet. `before` is
   * the row as it was (already deleted: `before.deletedAt` is set and `after` equals it); undefined when no row.
   */
  markDeleted(room: string, seq: string, deletedAt: string): Promise<{ before: SequencedMessage; after: SequencedMessage } | undefined>;
}

export type ImageResponse =
  | { kind: 'redirect'; url: string }
  | { kind: 'file'; path: string; contentType: ImageContentType }
  | { kind: 'missing' };

export interface UploadStore {
  /** A URL the browser uploads to directly; the storage itself refuses a body over `maxBytes`. */
  createUpload(key: string, contentType: ImageContentType, maxBytes: number): Promise<UploadUrlResponse>;
  exists(key: string): Promise<boolean>;
  image(key: string): Promise<ImageResponse>;
  /** Remove an uploaded object (a deleted message's image); removing what is not there is no error. */
  remove(key: string): Promise<void>;
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
  uploads: UploadStore;
  /** Express routes the embedded uploads need (signed PUT); none in aws mode. */
  routes?: import('express').Router;
}
