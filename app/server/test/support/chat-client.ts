import { io, type Socket } from 'socket.io-client';
import type {
  ChatMessage,
  ClientToServerEvents,
  HandshakeAuth,
  JoinAck,
  SendAck,
  SendMessageInput,
  ServerToClientEvents,
} from '@chat/protocol';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A test chat client: a real socket.io-client that records every message it receives. */
export class ChatClient {
  readonly received: ChatMessage[] = [];
  readonly socket: ClientSocket;
  private listeners: (() => void)[] = [];

  /** Without `auth` it is a protocol-v1 client: it sends only v1 events and no handshake auth. */
  constructor(
    url: string,
    opts: { reconnection?: boolean; auth?: HandshakeAuth; extraHeaders?: Record<string, string>; localAddress?: string } = {},
  ) {
    this.socket = io(url, {
      transports: ['websocket'],
      reconnection: opts.reconnection ?? false,
      forceNew: true,
      ...(opts.auth ? { auth: opts.auth } : {}),
      ...(opts.extraHeaders ? { extraHeaders: opts.extraHeaders } : {}),
      // Node only (the ws transport binds the connection there): a client at another loopback address.
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    } as Parameters<typeof io>[1]);
    this.socket.on('newMessage', (m) => {
      this.received.push(m);
      for (const l of this.listeners) l();
    });
  }

  static async connect(url: string, opts: { reconnection?: boolean; auth?: HandshakeAuth } = {}): Promise<ChatClient> {
    const c = new ChatClient(url, opts);
    return c.connected();
  }

  /** Resolves once connected (listeners added right after `new ChatClient` miss nothing). */
  async connected(): Promise<ChatClient> {
    if (!this.socket.connected) {
      await new Promise<void>((resolve, reject) => {
        this.socket.once('connect', () => resolve());
        this.socket.once('connect_error', reject);
      });
    }
    return this;
  }

  send(msg: SendMessageInput | string, timeoutMs = 15_000): Promise<SendAck> {
    return this.socket.timeout(timeoutMs).emitWithAck('sendMessage', msg);
  }

  /**
   * Send as a real client does: on `unavailable` (or no ack in time) send again with the same id, until acked or
   * `attempts` run out. Returns the final ack and how many sends it took.
   */
  async sendUntilAcked(
    msg: SendMessageInput,
    opts: { attempts?: number; timeoutMs?: number } = {},
  ): Promise<SendAck & { attempts: number }> {
    const attempts = opts.attempts ?? 20;
    let last: SendAck = { ok: false, error: { code: 'unavailable', message: 'not sent' } };
    for (let n = 1; n <= attempts; n++) {
      try {
        last = await this.send(msg, opts.timeoutMs ?? 65_000);
      } catch {
        continue; // no ack in time: the same as unavailable
      }
      if (last.ok || last.error.code !== 'unavailable') return { ...last, attempts: n };
      await new Promise((r) => setTimeout(r, 200 * n));
    }
    return { ...last, attempts };
  }

  join(room: string): Promise<JoinAck> {
    return this.socket.timeout(5000).emitWithAck('join', room);
  }

  /** Resolves once `predicate` holds over what was received, or rejects after `ms`. */
  waitFor(predicate: (received: ChatMessage[]) => boolean, ms = 15_000): Promise<void> {
    if (predicate(this.received)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== check);
        reject(new Error(`waited ${ms} ms for ${String(predicate)}; received ${JSON.stringify(ids(this.received))}`));
      }, ms);
      const check = () => {
        if (!predicate(this.received)) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        resolve();
      };
      this.listeners.push(check);
    });
  }

  /** Any event with its ack, untyped: for the events and payloads a test sends on purpose, wrong ones included. */
  request(event: string, ...args: unknown[]): Promise<unknown> {
    return (this.socket as unknown as { timeout(ms: number): { emitWithAck(e: string, ...a: unknown[]): Promise<unknown> } })
      .timeout(15_000)
      .emitWithAck(event, ...args);
  }

  close(): void {
    this.socket.disconnect();
  }
}

export const ids = (messages: ChatMessage[]) => messages.map((m) => m.id);
