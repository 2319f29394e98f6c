import type { Signal } from '@angular/core';
import type {
  ClientToServerEvents,
  ErrorBody,
  DeleteAck,
  JoinAck,
  PresenceAck,
  SendAck,
  SendMessageInput,
  ServerToClientEvents,
} from '@chat/protocol';

/** `idle`: not started, as a signed-in page is until it has a token (nothing to report yet). */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline';

/**
 * What the socket tells its listeners: every server → client event of the protocol, with its payload, and the
 * connection's own `connect` (`true` when Socket.IO restored the session: missed events replayed, rooms kept) and
 * `refused` (the server refused the handshake: its `connect_error` data, e.g. `unauthorized`).
 * A new server event in `ServerToClientEvents` is listened to with `on` at once, in the app and in the test fake.
 */
export type ChatSocketEvents = { [E in keyof ServerToClientEvents]: Parameters<ServerToClientEvents[E]>[0] } & {
  connect: boolean;
  refused: ErrorBody;
};

/** The answer of a client → server event that takes an ack, as `ClientToServerEvents` declares it. */
export type AckOf<E extends keyof ClientToServerEvents> = Parameters<NonNullable<Parameters<ClientToServerEvents[E]>[1]>>[0];

/**
 * The page's one connection to the chat server, as the rest of the app sees it: the token features inject, which
 * the Socket.IO implementation (`SocketIoChatSocket`, provided in app.config.ts) and the tests' fake both
 * implement, so the compiler holds the fake to every member.
 */
export abstract class ChatSocket {
  abstract readonly status: Signal<ConnectionStatus>;
  abstract readonly connected: boolean;
  /** This browser's identity in presence and typing (the same in every tab); signed in, the server's user id. */
  abstract clientId: string;
  /** Opens the connection (after the first render: the client library is a chunk of its own); again after a refusal. */
  abstract start(): void;
  /** Resolves once the first connection attempt has an outcome, or after `ms`, whichever is sooner. */
  abstract firstAttempt(ms: number): Promise<void>;
  /** Subscribes to one event; returns the unsubscribe. */
  abstract on<E extends keyof ChatSocketEvents>(event: E, fn: (payload: ChatSocketEvents[E]) => void): () => void;
  /** Fire and forget: a lost typing hint is harmless, so it is never buffered while disconnected. */
  abstract typing(room: string, typing: boolean): void;
  abstract getPresence(room: string): Promise<PresenceAck>;
  /** Without a key: a signed-in author's or a moderator's delete, proved by the token. */
  abstract deleteMessage(room: string, seq: string, deleteKey?: string): Promise<DeleteAck>;
  /**
   * Any client → server event with an ack, typed by the protocol's event map: for the lazily loaded features
   * (sign-in, private rooms, invites), whose events need no method of their own on the first screen's bundle.
   */
  abstract request<E extends keyof ClientToServerEvents>(event: E, body: Parameters<ClientToServerEvents[E]>[0]): Promise<AckOf<E>>;
  /** Fails at once while disconnected: a message the user cannot see leave must show as failed, not linger. */
  abstract send(message: SendMessageInput): Promise<SendAck>;
  abstract join(room: string): Promise<JoinAck>;
  abstract leave(room: string): Promise<JoinAck>;
}
