import { signal } from '@angular/core';
import { DEFAULT_ROOM, type ChatMessage, type ErrorBody, type JoinAck, type SendAck, type SendMessageInput } from '@chat/protocol';
import type { ConnectionStatus } from '../connection/chat-socket';

/** Stands in for the Socket.IO connection at the network boundary; tests decide every ack. */
export class FakeChatSocket {
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
  private readonly messageListeners = new Set<(m: ChatMessage) => void>();
  private readonly connectListeners = new Set<(recovered: boolean) => void>();

  start(): void {}

  onMessage(fn: (m: ChatMessage) => void): () => void {
    this.messageListeners.add(fn);
    return () => this.messageListeners.delete(fn);
  }

  onConnect(fn: (recovered: boolean) => void): () => void {
    this.connectListeners.add(fn);
    return () => this.connectListeners.delete(fn);
  }

  send(message: SendMessageInput): Promise<SendAck> {
    if (!this.connected) return Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'You are offline' } });
    return new Promise((reply) => this.sent.push({ message, reply }));
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

  deliver(m: ChatMessage): void {
    for (const fn of this.messageListeners) fn(m);
  }

  disconnect(): void {
    this.connected = false;
  }

  /** A restored session keeps its rooms on the server; a new one starts over in the default room. */
  reconnect(recovered: boolean): void {
    this.connected = true;
    if (!recovered) this.rooms = new Set([DEFAULT_ROOM]);
    for (const fn of this.connectListeners) fn(recovered);
  }
}

function offline(): JoinAck {
  return { ok: false, error: { code: 'unavailable', message: 'Not connected to the server' } };
}
