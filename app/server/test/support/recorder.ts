import { io } from 'socket.io-client';
import type { HandshakeAuth } from '@chat/protocol';
import type { ClientSocket } from './chat-client';

/** Everything one event brought to a socket, in order, with a wait for a condition over it. */
export class Recorder<T> {
  readonly items: T[] = [];
  private listeners: (() => void)[] = [];

  constructor(socket: ClientSocket, event: 'presence' | 'typing' | 'messageDeleted' | 'newMessage' | 'messageEdited' | 'reactions') {
    (socket as unknown as { on(e: string, f: (x: T) => void): void }).on(event, (x: T) => {
      this.items.push(x);
      for (const l of [...this.listeners]) l();
    });
  }

  get last(): T | undefined {
    return this.items[this.items.length - 1];
  }

  /** Resolves with the first item (from `from` on) that matches, or rejects after `ms`. */
  waitFor(predicate: (item: T) => boolean, ms = 15_000, from = 0): Promise<T> {
    const find = () => this.items.slice(from).find(predicate);
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = find();
        if (hit === undefined) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== check);
        reject(new Error(`waited ${ms} ms for ${String(predicate)}; received ${JSON.stringify(this.items.slice(from)).slice(0, 500)}`));
      }, ms);
      this.listeners.push(check);
    });
  }
}

/** A socket that connects with handshake auth ({ clientId, author }), or fails to with its connect_error. */
export function connectWithAuth(url: string, auth: HandshakeAuth | Record<string, unknown>): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}
