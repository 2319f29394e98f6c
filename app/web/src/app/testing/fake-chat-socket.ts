import { signal, type Provider } from '@angular/core';
import {
  DEFAULT_ROOM,
  type ClientToServerEvents,
  type DeleteAck,
  type ErrorBody,
  type JoinAck,
  type PresenceAck,
  type PresenceEvent,
  type SendAck,
  type SendMessageInput,
} from '@chat/protocol';
import { ChatSocket, type AckOf, type ChatSocketEvents, type ConnectionStatus } from '../connection/chat-socket';
import { Listeners } from '../shared/listeners';

/** Stands in for the Socket.IO connection at the network boundary; tests decide every ack and emit every event. */
export class FakeChatSocket implements ChatSocket {
  readonly status = signal<ConnectionStatus>('connected');
  connected = true;
  readonly sent: { message: SendMessageInput; reply: (ack: SendAck) => void }[] = [];
  /** Every join and leave that reached the server, in order. */
  readonly joined: string[] = [];
  readonly left: string[] = [];
  /** The rooms the server has this socket in: like the real one, a new session starts in the default room. */
  rooms = new Set<string>([DEFAULT_ROOM]);
  /** When set, the server refuses joins with this error. */
  refuseJoin: ErrorBody | null = null;
  clientId = 'this-browser';
  /** Every `request` (sign-in, rooms, invites events), in order. */
  readonly requests: { event: string; body: unknown }[] = [];
  /** What a `request` answers, per event; without a handler, `ok: true` with nothing else. */
  readonly handlers = new Map<string, (body: unknown) => unknown>();
  /** How many times `start` was called (the app starts it once; the sign-in again after a refusal). */
  starts = 0;
  /** `typing` events sent, in order. */
  readonly typingSent: { room: string; typing: boolean }[] = [];
  readonly deletes: { body: { room: string; seq: string; deleteKey?: string }; reply: (ack: DeleteAck) => void }[] = [];
  /** What `getPresence` answers, per room (unanswered rooms get `not_found`). */
  presence = new Map<string, PresenceEvent>();
  private readonly listeners = new Listeners<ChatSocketEvents>();

  start(): void {
    this.starts++;
  }

  request<E extends keyof ClientToServerEvents>(event: E, body: Parameters<ClientToServerEvents[E]>[0]): Promise<AckOf<E>> {
    this.requests.push({ event, body });
    if (!this.connected) return Promise.resolve(offline() as AckOf<E>);
    const handler = this.handlers.get(event);
    return Promise.resolve((handler ? handler(body) : { ok: true }) as AckOf<E>);
  }

  private firstOutcome: Promise<void> | undefined;
  private settleFirst: (() => void) | undefined;
  /** Like the real one: settled at once when connected, else by the first `reconnect` or `connectFailed`. */
  firstAttempt(_ms: number): Promise<void> {
    if (this.connected && !this.settleFirst) return Promise.resolve();
    return (this.firstOutcome ??= new Promise((resolve) => (this.settleFirst = resolve)));
  }

  connectFailed(): void {
    this.settleFirst?.();
  }

  on<E extends keyof ChatSocketEvents>(event: E, fn: (payload: ChatSocketEvents[E]) => void): () => void {
    return this.listeners.on(event, fn);
  }

  /** The server sends `event` to this socket. */
  emit<E extends keyof ChatSocketEvents>(event: E, payload: ChatSocketEvents[E]): void {
    this.listeners.emit(event, payload);
  }

  typing(room: string, typing: boolean): void {
    if (this.connected) this.typingSent.push({ room, typing });
  }

  getPresence(room: string): Promise<PresenceAck> {
    if (!this.connected) return Promise.resolve(offline());
    const p = this.presence.get(room);
    return Promise.resolve(p ? { ok: true, ...p } : { ok: false, error: { code: 'not_found', message: 'no presence' } });
  }

  deleteMessage(room: string, seq: string, deleteKey?: string): Promise<DeleteAck> {
    if (!this.connected) return Promise.resolve(offline());
    return new Promise((reply) => this.deletes.push({ body: { room, seq, deleteKey }, reply }));
  }

  /** The `n`th send to reach the server, once it has (a send first derives its deleteKey, in a lazy chunk). */
  async nthSend(n: number): Promise<FakeChatSocket['sent'][number]> {
    while (this.sent.length <= n) await new Promise<void>((resolve) => this.sendWaiters.push(resolve));
    return this.sent[n];
  }
  private readonly sendWaiters: (() => void)[] = [];

  send(message: SendMessageInput): Promise<SendAck> {
    if (!this.connected) return Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'You are offline' } });
    return new Promise((reply) => {
      this.sent.push({ message, reply });
      for (const wake of this.sendWaiters.splice(0)) wake();
    });
  }

  join(room: string): Promise<JoinAck> {
    if (!this.connected) return Promise.resolve(offline());
    if (this.refuseJoin) return Promise.resolve({ ok: false, error: this.refuseJoin });
    this.joined.push(room);
    this.rooms.add(room);
    return Promise.resolve({ ok: true, room });
  }

  leave(room: string): Promise<JoinAck> {
    if (!this.connected) return Promise.resolve(offline());
    this.left.push(room);
    this.rooms.delete(room);
    return Promise.resolve({ ok: true, room });
  }

  disconnect(): void {
    this.connected = false;
  }

  /** A restored session keeps its rooms on the server; a new one starts over in the default room. */
  reconnect(recovered: boolean): void {
    this.connected = true;
    if (!recovered) this.rooms = new Set([DEFAULT_ROOM]);
    this.listeners.emit('connect', recovered);
    this.settleFirst?.();
  }
}

/** The fake in place of the real connection, for TestBed. */
export function provideFakeSocket(socket: FakeChatSocket): Provider {
  return { provide: ChatSocket, useValue: socket };
}

function offline(): { ok: false; error: ErrorBody } {
  return { ok: false, error: { code: 'unavailable', message: 'Not connected to the server' } };
}
