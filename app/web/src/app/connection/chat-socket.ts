import { Injectable, effect, inject, signal, untracked } from '@angular/core';
import type { Socket } from 'socket.io-client';
import type { openSocket } from './open-socket';
import {
  SOCKET_PATH,
  type ChatMessage,
  type ClientToServerEvents,
  type DeleteAck,
  type IdentifyAck,
  type MessageDeletedEvent,
  type PresenceAck,
  type PresenceEvent,
  type TypingEvent,
  type JoinAck,
  type SendAck,
  type SendMessageInput,
  type ServerToClientEvents,
} from '@chat/protocol';
import { RuntimeConfig } from '../config/runtime-config';
import { Listeners } from './listeners';
import { clientId } from '../identity/browser-identity';
import { IdentityStore } from '../identity/identity-store';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** How long a send waits for its ack before it is shown as failed (a retry keeps the id, so it stays safe). */
export const ACK_TIMEOUT_MS = 10_000;

type ChatIo = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The one Socket.IO connection of the page. It reports its state as a signal and never queues a
 * send while disconnected: a message the user cannot see leave must show as failed, not linger.
 */
@Injectable({ providedIn: 'root' })
export class ChatSocket {
  private readonly config = inject(RuntimeConfig);
  private socket?: ChatIo;
  private readonly messageListeners = new Listeners<ChatMessage>();
  private readonly connectListeners = new Listeners<boolean>();
  private everConnected = false;
  private readonly identity = inject(IdentityStore);
  private readonly presenceListeners = new Listeners<PresenceEvent>();
  private readonly typingListeners = new Listeners<TypingEvent>();
  private readonly deletedListeners = new Listeners<MessageDeletedEvent>();

  readonly status = signal<ConnectionStatus>('connecting');
  /** This browser's identity in presence and typing (the same in every tab). */
  readonly clientId = clientId();

  constructor() {
    // A new name reaches the others at once; a reconnect sends it in the handshake anyway.
    effect(() => {
      const author = this.identity.name();
      untracked(() => {
        if (author && this.connected) void this.call('identify', { clientId: this.clientId, author });
      });
    });
  }

  private starting = false;
  private settleFirst!: () => void;
  /** Settles on the first connect or connect error (or an offline start, or the chunk failing to load). */
  private readonly firstOutcome = new Promise<void>((resolve) => (this.settleFirst = resolve));

  /**
   * Resolves once the first connection attempt has an outcome, or after `ms`, whichever is sooner: the
   * first room read waits for it so that it starts after the join and needs no second read to close the gap.
   */
  firstAttempt(ms: number): Promise<void> {
    return Promise.race([this.firstOutcome, new Promise<void>((resolve) => setTimeout(resolve, ms))]);
  }

  /**
   * socket.io-client is a chunk of its own, fetched while the first screen renders: the page paints without
   * waiting for it, and a send before it connects fails at once like any send while disconnected.
   */
  start(): void {
    if (this.starting) return;
    this.starting = true;
    // The browser knows about a lost network long before a heartbeat would: say so at once, and
    // reconnect as soon as it is back.
    globalThis.addEventListener?.('offline', () => {
      this.status.set('offline');
      this.settleFirst();
      this.socket?.disconnect();
    });
    globalThis.addEventListener?.('online', () => {
      this.status.set(this.everConnected ? 'reconnecting' : 'connecting');
      this.socket?.connect();
    });
    if (globalThis.navigator && globalThis.navigator.onLine === false) {
      this.status.set('offline');
      this.settleFirst();
    }
    import('./open-socket').then(
      ({ openSocket }) => this.connect(openSocket),
      (err: Error) => {
        this.settleFirst();
        console.error('the connection code could not be loaded; reload the page', err);
      },
    );
  }

  private connect(open: typeof openSocket): void {
    const socket: ChatIo = open(
      this.config.socketOrigin(),
      SOCKET_PATH,
      () => ({
        clientId: this.clientId,
        ...(this.identity.name() ? { author: this.identity.name()! } : {}),
      }),
      {
        connect: () => {
          this.status.set('connected');
          const recovered = this.everConnected && socket.recovered;
          this.everConnected = true;
          this.connectListeners.emit(recovered);
          this.settleFirst();
        },
        disconnect: (reason: string) => {
          if (this.status() === 'offline') return;
          this.status.set('reconnecting');
          // The manager retries by itself except after a server-side disconnect (e.g. the server shutting down).
          if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000);
        },
        connect_error: () => {
          this.settleFirst();
          if (this.status() !== 'offline') this.status.set(this.everConnected ? 'reconnecting' : 'connecting');
        },
        newMessage: (m: ChatMessage) => this.messageListeners.emit(m),
        presence: (e: PresenceEvent) => this.presenceListeners.emit(e),
        typing: (e: TypingEvent) => this.typingListeners.emit(e),
        messageDeleted: (e: MessageDeletedEvent) => this.deletedListeners.emit(e),
      },
    ) as ChatIo;
    this.socket = socket;
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  onMessage(fn: (m: ChatMessage) => void): () => void {
    return this.messageListeners.add(fn);
  }

  /** `recovered` is true when Socket.IO restored the session (missed events replayed, rooms kept). */
  onConnect(fn: (recovered: boolean) => void): () => void {
    return this.connectListeners.add(fn);
  }

  onPresence(fn: (e: PresenceEvent) => void): () => void {
    return this.presenceListeners.add(fn);
  }

  onTyping(fn: (e: TypingEvent) => void): () => void {
    return this.typingListeners.add(fn);
  }

  onDeleted(fn: (e: MessageDeletedEvent) => void): () => void {
    return this.deletedListeners.add(fn);
  }

  /** Fire and forget: a lost typing hint is harmless, so it is never buffered while disconnected. */
  typing(room: string, typing: boolean): void {
    if (this.socket?.connected) untyped(this.socket).emit('typing', { room, typing });
  }

  getPresence(room: string): Promise<PresenceAck> {
    return this.call('getPresence', room);
  }

  deleteMessage(room: string, seq: string, deleteKey: string): Promise<DeleteAck> {
    return this.call('deleteMessage', { room, seq, deleteKey });
  }

  send(message: SendMessageInput): Promise<SendAck> {
    if (!this.socket?.connected) {
      return Promise.resolve(failure('unavailable', this.status() === 'offline' ? 'You are offline' : 'Not connected to the server'));
    }
    return this.call('sendMessage', message);
  }

  join(room: string): Promise<JoinAck> {
    return this.call('join', room);
  }

  leave(room: string): Promise<JoinAck> {
    return this.call('leave', room);
  }

  private call(event: 'join' | 'leave', room: string): Promise<JoinAck>;
  private call(event: 'getPresence', room: string): Promise<PresenceAck>;
  private call(event: 'identify', body: { clientId: string; author: string }): Promise<IdentifyAck>;
  private call(event: 'deleteMessage', body: { room: string; seq: string; deleteKey: string }): Promise<DeleteAck>;
  private call(event: 'sendMessage', body: SendMessageInput): Promise<SendAck>;
  private call<A>(event: string, body: unknown): Promise<A | ReturnType<typeof failure>> {
    const socket = this.socket;
    if (!socket?.connected) return Promise.resolve(failure('unavailable', 'Not connected to the server'));
    return new Promise((resolve) => {
      untyped(socket)
        .timeout(ACK_TIMEOUT_MS)
        .emit(event, body, (err: Error | null, ack?: A) => {
          resolve(err || !ack ? failure('unavailable', 'No answer from the server') : ack);
        });
    });
  }
}

/** The event maps declare the ack optional, which socket.io's typings cannot combine with `timeout()`. */
function untyped(socket: ChatIo): Socket {
  return socket as unknown as Socket;
}

function failure(code: 'unavailable', message: string): { ok: false; error: { code: 'unavailable'; message: string } } {
  return { ok: false, error: { code, message } };
}
