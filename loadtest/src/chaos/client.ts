/**
 * A chat client that behaves as the web client does (app/web: connection/open-socket.ts, connection/chat-socket.ts,
 * chat/chat-store.ts), recording what it sent and saw for the checks:
 * - socket.io-client with the web's reconnection and transports, reconnecting by itself and after a server-side
 *   disconnect (a server shutting down);
 * - a send carries its own id; `unavailable`, `rate_limited`, no ack within 10 s, or no connection are retried with
 *   the same id after a backoff (the web shows "not sent" and its Retry button reuses the id);
 * - on a connect whose session was not recovered it joins its rooms again, then catches up each room from history
 *   since the newest seq it held; messages are de-duplicated by id.
 * Unlike the web client it does not fill a gap it notices between two live messages from history: a protocol-v1
 * client does not, and the checks must see a delivery the server lost.
 */
import { io, type Socket } from 'socket.io-client';
import {
  compareSeq,
  SOCKET_PATH,
  type ChatMessage,
  type ClientToServerEvents,
  type JoinAck,
  type SendAck,
  type ServerToClientEvents,
} from '@chat/protocol';
import { readHistoryPatiently } from './history';

/** As the web client (ACK_TIMEOUT_MS): past it, a send shows as failed and may be retried. */
export const ACK_TIMEOUT_MS = 10_000;
/** Retry backoff after a failed send, ms: doubling, with jitter. */
const RETRY_BASE_MS = 500;
const RETRY_CAP_MS = 4000;
/** A refused join is tried again after this long (the web: JOIN_RETRY_MS 3 s; shorter here, the run is short). */
const JOIN_RETRY_MS = 1000;

export type AttemptOutcome = 'ok' | 'unavailable' | 'rate_limited' | 'timeout' | 'offline' | 'refused';

export interface SendRecord {
  id: string;
  room: string;
  /** when the message was first sent */
  firstAt: number;
  attempts: { at: number; outcome: AttemptOutcome }[];
  ack?: { seq: string; at: number; attemptAt: number };
  /** a refusal a retry cannot fix (`invalid`, `too_large`): the run's workload never provokes one */
  refused?: { code: string; message: string };
}

export interface LiveDelivery {
  id: string;
  seq: string;
  at: number;
}

/** What one client knows of one of its rooms. */
export class RoomView {
  /** Every `newMessage` of the room as it arrived, duplicates included. */
  readonly live: LiveDelivery[] = [];
  /** id → message, from live deliveries and catch-ups: what the person sees. */
  readonly known = new Map<string, ChatMessage>();
  /** Live arrivals of an id already known, with the same seq: dropped by id, as the web client drops them. */
  redeliveries = 0;
  /** An id seen again with another seq: the server stored it twice. */
  readonly conflicts: { id: string; seq: string; knownSeq: string }[] = [];
  /** A new id arriving live with a seq below one already received live: the server broadcast out of order. */
  readonly outOfOrder: { id: string; seq: string; after: string }[] = [];
  /** Messages first learnt from a catch-up rather than live. */
  caughtUp = 0;
  private maxLiveSeq: string | undefined;

  constructor(readonly room: string) {}

  receive(m: ChatMessage, at: number): void {
    this.live.push({ id: m.id, seq: m.seq, at });
    const had = this.known.get(m.id);
    if (had) {
      if (had.seq === m.seq) this.redeliveries++;
      else this.conflicts.push({ id: m.id, seq: m.seq, knownSeq: had.seq });
      return;
    }
    if (this.maxLiveSeq !== undefined && compareSeq(m.seq, this.maxLiveSeq) < 0) {
      this.outOfOrder.push({ id: m.id, seq: m.seq, after: this.maxLiveSeq });
    } else this.maxLiveSeq = m.seq;
    this.known.set(m.id, m);
  }

  merge(messages: ChatMessage[]): void {
    for (const m of messages) {
      const had = this.known.get(m.id);
      if (had) {
        if (had.seq !== m.seq) this.conflicts.push({ id: m.id, seq: m.seq, knownSeq: had.seq });
        continue;
      }
      this.known.set(m.id, m);
      this.caughtUp++;
    }
  }

  /** The newest seq held: where a catch-up starts. */
  lastSeq(): string | undefined {
    let last: string | undefined;
    for (const m of this.known.values()) if (last === undefined || compareSeq(m.seq, last) > 0) last = m.seq;
    return last;
  }
}

type ChatIo = Socket<ServerToClientEvents, ClientToServerEvents>;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export class ChaosClient {
  readonly views: Map<string, RoomView>;
  readonly sends: SendRecord[] = [];
  connects = 0;
  recoveries = 0;
  disconnects = 0;
  catchUps = 0;
  private readonly socket: ChatIo;
  private sent = 0;
  /** Rooms the server acknowledged joining in this session. */
  private readonly joined = new Set<string>();
  private sync: Promise<void> = Promise.resolve();
  private firstSync: Promise<void> | undefined;

  constructor(
    readonly url: string,
    readonly name: string,
    rooms: string[],
    /** aborted at the run's deadline: every retry loop stops */
    private readonly signal: AbortSignal,
  ) {
    this.views = new Map(rooms.map((r) => [r, new RoomView(r)]));
    this.socket = io(url, {
      path: SOCKET_PATH,
      forceNew: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      auth: { clientId: name, author: name },
    });
    this.socket.on('newMessage', (m) => this.views.get(m.room)?.receive(m, Date.now()));
    this.socket.on('disconnect', (reason) => {
      this.disconnects++;
      // The manager reconnects by itself except after a server-side disconnect (a server shutting down).
      if (reason === 'io server disconnect') setTimeout(() => this.signal.aborted || this.socket.connect(), 1000);
    });
    this.socket.on('connect', () => {
      this.connects++;
      const recovered = this.connects > 1 && this.socket.recovered;
      if (recovered) this.recoveries++;
      // A new session: the server forgot our rooms (a restored one kept them and replayed the missed events).
      else this.joined.clear();
      if ([...this.views.keys()].every((r) => this.joined.has(r))) return;
      // Where each room stood, taken now, before live messages resume.
      const known = new Map([...this.views].map(([room, v]) => [room, v.lastSeq()]));
      this.sync = this.sync.then(() => this.rejoin(known));
      this.firstSync ??= this.sync;
    });
  }

  /** Resolves once connected and in every room (history read), or rejects after `ms`. */
  async ready(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.firstSync) {
      if (Date.now() > until) throw new Error(`client ${this.name} did not connect within ${ms} ms`);
      await sleep(100, this.signal);
      if (this.signal.aborted) throw new Error(`client ${this.name}: run aborted before it connected`);
    }
    await this.firstSync;
  }

  private async rejoin(known: Map<string, string | undefined>): Promise<void> {
    for (const [room, view] of this.views) {
      if (this.joined.has(room)) continue;
      while (!this.signal.aborted) {
        if (!this.socket.connected) return; // the next connect joins again
        const ack = await this.call<JoinAck>('join', room);
        if (ack?.ok) {
          this.joined.add(room);
          break;
        }
        await sleep(JOIN_RETRY_MS, this.signal);
      }
      if (this.signal.aborted) return;
      this.catchUps++;
      try {
        view.merge(await readHistoryPatiently(this.url, room, known.get(room), this.signal));
      } catch {
        return; // aborted
      }
    }
  }

  private call<A>(event: string, body: unknown): Promise<A | undefined> {
    return new Promise((resolve) => {
      (this.socket as unknown as Socket)
        .timeout(ACK_TIMEOUT_MS)
        .emit(event, body, (err: Error | null, ack?: A) => resolve(err ? undefined : ack));
    });
  }

  /** Sends a new message to `room` and retries it with the same id until acked, refused for good, or the run ends. */
  async send(room: string): Promise<SendRecord> {
    const n = ++this.sent;
    const record: SendRecord = { id: `${this.name}-m${n}`, room, firstAt: Date.now(), attempts: [] };
    this.sends.push(record);
    const message = { id: record.id, room, author: this.name, text: `message ${n} from ${this.name}` };
    for (let failures = 0; !this.signal.aborted; failures++) {
      const at = Date.now();
      let outcome: AttemptOutcome;
      if (!this.socket.connected) outcome = 'offline';
      else {
        const ack = await this.call<SendAck>('sendMessage', message);
        if (!ack) outcome = 'timeout';
        else if (ack.ok) {
          record.attempts.push({ at, outcome: 'ok' });
          record.ack = { seq: ack.seq, at: Date.now(), attemptAt: at };
          return record;
        } else if (ack.error.code === 'unavailable' || ack.error.code === 'rate_limited') outcome = ack.error.code;
        else {
          record.attempts.push({ at, outcome: 'refused' });
          record.refused = { code: ack.error.code, message: ack.error.message };
          return record;
        }
      }
      record.attempts.push({ at, outcome });
      const backoff = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** failures);
      await sleep(backoff * (0.8 + Math.random() * 0.4), this.signal);
    }
    return record;
  }

  /** Sends not yet acked or refused. */
  pending(): number {
    return this.sends.filter((s) => !s.ack && !s.refused).length;
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  close(): void {
    this.socket.disconnect();
  }
}
