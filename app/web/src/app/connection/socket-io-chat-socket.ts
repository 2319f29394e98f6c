import { Injectable, effect, inject, signal, untracked } from '@angular/core';
import type { Socket } from 'socket.io-client';
import { SOCKET_PATH, type ClientToServerEvents, type ErrorBody, type SendMessageInput, type ServerToClientEvents } from '@chat/protocol';
import { AuthSession } from '../session/auth-session';
import { RuntimeConfig } from '../config/runtime-config';
import { clientId } from '../identity/browser-identity';
import { IdentityStore } from '../identity/identity-store';
import { Listeners } from '../shared/listeners';
import { ChatSocket, type AckOf, type ChatSocketEvents, type ConnectionStatus } from './chat-socket';
import type { openSocket } from './open-socket';

/** How long a send waits for its ack before it is shown as failed (a retry keeps the id, so it stays safe). */
export const ACK_TIMEOUT_MS = 10_000;

type ChatIo = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The one Socket.IO connection of the page. It reports its state as a signal and never queues a
 * send while disconnected: a message the user cannot see leave must show as failed, not linger.
 */
@Injectable()
export class SocketIoChatSocket implements ChatSocket {
  private readonly config = inject(RuntimeConfig);
  private readonly identity = inject(IdentityStore);
  private readonly auth = inject(AuthSession);
  private socket?: ChatIo;
  private readonly listeners = new Listeners<ChatSocketEvents>();
  private everConnected = false;

  readonly status = signal<ConnectionStatus>(this.config.signedIn() ? 'idle' : 'connecting');
  clientId = clientId();

  constructor() {
    // A new name reaches the others at once; a reconnect sends it in the handshake anyway.
    effect(() => {
      const author = this.identity.name();
      untracked(() => {
        // Signed in, the token says who we are.
        if (author && this.connected && !this.auth.token) void this.call('identify', { clientId: this.clientId, author });
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
    // Again after a refused handshake (Socket.IO does not retry that by itself), with what the handshake carries now.
    if (this.starting) return void this.socket?.connect();
    this.starting = true;
    if (this.status() === 'idle') this.status.set('connecting');
    // The browser knows about a lost network long before a heartbeat would: say so at once, and
    // reconnect as soon as it is back.
    globalThis.addEventListener?.('offline', () => {
      this.offline();
      this.socket?.disconnect();
    });
    globalThis.addEventListener?.('online', () => {
      this.trying();
      this.socket?.connect();
    });
    if (globalThis.navigator?.onLine === false) this.offline();
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
        ...(this.auth.token ? { token: this.auth.token } : {}),
      }),
      {
        connect: () => {
          this.status.set('connected');
          const recovered = this.everConnected && socket.recovered;
          this.everConnected = true;
          this.listeners.emit('connect', recovered);
          this.settleFirst();
        },
        disconnect: (reason: string) => {
          if (this.status() === 'offline') return;
          this.status.set('reconnecting');
          // The manager retries by itself except after a server-side disconnect (e.g. the server shutting down).
          if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000);
        },
        connect_error: (err: Error & { data?: ErrorBody }) => {
          this.settleFirst();
          if (err.data?.code) this.listeners.emit('refused', err.data);
          if (this.status() !== 'offline') this.trying();
        },
      },
      // Server events only (the lifecycle's are not among them), each to its listeners; listeners check their payloads.
      (event, payload) => this.listeners.emit(event as keyof ServerToClientEvents, payload as never),
    );
    this.socket = socket;
  }

  /** The network is gone (the browser says so): no attempt until it is back. */
  private offline(): void {
    this.status.set('offline');
    this.settleFirst();
  }

  /** Not connected and trying: `reconnecting` once it has been connected, else still `connecting`. */
  private trying(): void {
    this.status.set(this.everConnected ? 'reconnecting' : 'connecting');
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  on<E extends keyof ChatSocketEvents>(event: E, fn: (payload: ChatSocketEvents[E]) => void): () => void {
    return this.listeners.on(event, fn);
  }

  typing(room: string, typing: boolean): void {
    if (this.socket?.connected) untyped(this.socket).emit('typing', { room, typing });
  }

  getPresence(room: string) {
    return this.call('getPresence', room);
  }

  deleteMessage(room: string, seq: string, deleteKey?: string) {
    return this.call('deleteMessage', { room, seq, deleteKey });
  }

  request<E extends keyof ClientToServerEvents>(event: E, body: Parameters<ClientToServerEvents[E]>[0]) {
    return this.call(event, body);
  }

  send(message: SendMessageInput) {
    if (!this.socket?.connected) {
      return Promise.resolve(failure(this.status() === 'offline' ? 'You are offline' : 'Not connected to the server'));
    }
    return this.call('sendMessage', message);
  }

  join(room: string) {
    return this.call('join', room);
  }

  leave(room: string) {
    return this.call('leave', room);
  }

  /** Emits a client → server event and waits for its ack (at most ACK_TIMEOUT_MS), typed by the protocol's event map. */
  private call<E extends keyof ClientToServerEvents>(event: E, body: Parameters<ClientToServerEvents[E]>[0]): Promise<AckOf<E> | Failure> {
    const socket = this.socket;
    if (!socket?.connected) return Promise.resolve(failure('Not connected to the server'));
    return new Promise((resolve) => {
      untyped(socket)
        .timeout(ACK_TIMEOUT_MS)
        .emit(event, body, (err: Error | null, ack?: AckOf<E>) => {
          resolve(err || !ack ? failure('No answer from the server') : ack);
        });
    });
  }
}

type Failure = { ok: false; error: { code: 'unavailable'; message: string } };

/** The event maps declare the ack optional, which socket.io's typings cannot combine with `timeout()`. */
function untyped(socket: ChatIo): Socket {
  return socket;
}

function failure(message: string): Failure {
  return { ok: false, error: { code: 'unavailable', message } };
}
