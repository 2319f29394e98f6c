import { signal } from '@angular/core';
import type { ChatMessage, JoinAck, SendAck, SendMessageInput } from '@chat/protocol';
import type { ConnectionStatus } from '../connection/chat-socket';

/** Stands in for the Socket.IO connection at the network boundary; tests decide every ack. */
export class FakeChatSocket {
  readonly status = signal<ConnectionStatus>('connected');
  connected = true;
  readonly sent: { message: SendMessageInput; reply: (ack: SendAck) => void }[] = [];
  readonly joined: string[] = [];
  readonly left: string[] = [];
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
    this.joined.push(room);
    return Promise.resolve({ ok: true, room });
  }

  leave(room: string): Promise<JoinAck> {
    this.left.push(room);
    return Promise.resolve({ ok: true, room });
  }

  deliver(m: ChatMessage): void {
    for (const fn of this.messageListeners) fn(m);
  }

  reconnect(recovered: boolean): void {
    this.connected = true;
    for (const fn of this.connectListeners) fn(recovered);
  }
}
