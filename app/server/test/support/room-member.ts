import { io } from 'socket.io-client';
import { compareSeq, type ChatMessage, type HistoryResponse, type SendAck, type SendMessageInput } from '@chat/protocol';
import type { ClientSocket } from './chat-client';
import { eventually } from './eventually';

/** Every message of a room, oldest → newest, walking `before` back from the newest page. */
export async function fullHistory(url: string, room: string): Promise<ChatMessage[]> {
  const pages: ChatMessage[][] = [];
  let before: string | null = null;
  do {
    const res = await fetch(`${url}/history?room=${room}&limit=200${before ? `&before=${before}` : ''}`, {
      signal: AbortSignal.timeout(30_000),
    });
    if (res.status !== 200) throw new Error(`history answered ${res.status}`);
    const page = (await res.json()) as HistoryResponse;
    pages.unshift(page.messages);
    before = page.nextBefore;
  } while (before);
  return pages.flat();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A member of one room as a real client behaves with several servers: it reconnects by itself (through the load
 * balancer or to its server), rejoins and catches up from history when its session was not recovered, and retries a
 * send answered `unavailable` (or not answered) with the same id.
 */
export class RoomMember {
  readonly socket: ClientSocket;
  /** Every `newMessage` of the room, as it arrived. */
  readonly live: ChatMessage[] = [];
  /** What the member knows of the room: live and caught up, by id. */
  readonly known = new Map<string, ChatMessage>();
  /** Acks that said ok, by id. */
  readonly acked = new Map<string, string>();
  unavailable = 0;
  disconnects = 0;
  recoveries = 0;
  /** Why the last rejoin and catch-up failed, when one did (for a failure message). */
  joinError: string | undefined;
  /** The last connect_error, when a connection attempt failed. */
  connectError: string | undefined;
  private catchingUp: Promise<void> = Promise.resolve();

  constructor(
    readonly url: string,
    readonly room: string,
    readonly name: string,
  ) {
    this.socket = io(url, { transports: ['websocket'], forceNew: true, reconnectionDelay: 200, reconnectionDelayMax: 1000 });
    this.socket.on('newMessage', (m) => {
      if (m.room !== this.room) return;
      this.live.push(m);
      this.known.set(m.id, m);
    });
    this.socket.on('disconnect', () => this.disconnects++);
    this.socket.on('connect_error', (err) => (this.connectError = err.message));
    this.socket.on('connect', () => {
      if (this.socket.recovered) {
        this.recoveries++;
        return;
      }
      this.catchingUp = this.catchingUp.then(() => this.rejoin());
    });
  }

  /** Connected (a failed attempt is retried, as the client does by itself), joined and caught up. */
  static async connect(url: string, room: string, name: string): Promise<RoomMember> {
    const m = new RoomMember(url, room, name);
    await eventually(
      () => m.socket.connected,
      60_000,
      `${name} to connect to ${url}`,
      () => `last connect_error: ${m.connectError}`,
    );
    await m.catchingUp;
    return m;
  }

  private async rejoin(): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const ack = await this.socket.timeout(10_000).emitWithAck('join', this.room);
        if (!ack.ok) throw new Error(ack.error.message);
        for (const m of await fullHistory(this.url, this.room)) this.known.set(m.id, m);
        this.joinError = undefined;
        return;
      } catch (err) {
        this.joinError = (err as Error).message;
        await sleep(300);
      }
    }
  }

  /** Send until acked ok: `unavailable`, no answer, or no connection are retried with the same id. */
  async send(msg: SendMessageInput, ackTimeoutMs: number, giveUpMs = 180_000): Promise<SendAck & { ok: true }> {
    const until = Date.now() + giveUpMs;
    for (;;) {
      let ack: SendAck | undefined;
      try {
        ack = await this.socket.timeout(ackTimeoutMs).emitWithAck('sendMessage', msg);
      } catch {
        // no answer in time (a crashed server, a dropped socket): retry
      }
      if (ack?.ok) {
        this.acked.set(ack.id, ack.seq);
        return ack;
      }
      if (ack && ack.error.code !== 'unavailable') throw new Error(`send ${msg.id} refused: ${ack.error.code} ${ack.error.message}`);
      if (ack) this.unavailable++;
      if (Date.now() > until) throw new Error(`send ${msg.id} not acked within ${giveUpMs} ms`);
      await sleep(300);
    }
  }

  /** Catch up from history once more (what the web client does on reconnect); resolves when done. */
  async settle(): Promise<void> {
    await this.catchingUp;
  }

  /** The room as this member sees it, oldest → newest. */
  view(): ChatMessage[] {
    return [...this.known.values()].sort((a, b) => compareSeq(a.seq, b.seq));
  }

  close(): void {
    this.socket.disconnect();
  }
}

export const idsOf = (messages: ChatMessage[]) => messages.map((m) => m.id);
