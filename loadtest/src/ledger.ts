import { compareSeq } from '@chat/protocol';
import type { SendAck } from '@chat/protocol';

/**
 * Who sent what, who should have received it, and what each receiver actually saw — for the virtual users of one
 * process. Times are caller-supplied milliseconds (performance.now() in the processor), so this is pure logic.
 *
 * Only receivers in this process can be checked: a message is expected at every receiver here that had joined its
 * room (join acknowledged) before the message was emitted and is still connected when it finalises.
 */

export interface SentMessage {
  id: string;
  room: string;
  sender: string;
  emittedAt: number;
  ackedAt?: number;
  seq?: string;
  /** 'ok' once the server acknowledged it durably; otherwise the error code (or 'timeout'). */
  outcome?: string;
}

export interface ReceivedMessage {
  id: string;
  room: string;
  seq: string;
}

export type ReceiveResult =
  | { kind: 'e2e' | 'fanout'; latencyMs: number; duplicate: false; outOfOrder: boolean }
  | { kind: 'foreign'; duplicate: false; outOfOrder: boolean }
  | { kind: 'duplicate'; duplicate: true; outOfOrder: boolean };

export type AckResult =
  { kind: 'ok'; ackMs: number } | { kind: 'rejected'; code: string; ackMs: number } | { kind: 'late' } | { kind: 'unknown' };

interface Receiver {
  /** room → time its join was acknowledged */
  rooms: Map<string, number>;
  received: Set<string>;
  lastSeq: Map<string, string>;
  connected: boolean;
}

export interface FinalizeResult {
  /** messages first found missing at this receiver (each lost message counts once per process) */
  lostMessages: number;
  /** expected deliveries missing at this receiver */
  missingDeliveries: number;
  /** expected deliveries checked at this receiver */
  expectedDeliveries: number;
}

export class Ledger {
  private readonly sent = new Map<string, SentMessage>();
  private readonly byRoom = new Map<string, SentMessage[]>();
  private readonly receivers = new Map<string, Receiver>();
  private readonly lostIds = new Set<string>();

  /** A receiver's membership of a room starts when the server acknowledges its join. */
  joined(receiver: string, room: string, at: number): void {
    const r = this.receiver(receiver);
    if (!r.rooms.has(room)) r.rooms.set(room, at);
  }

  /** A receiver that lost its connection can no longer be expected to receive anything. */
  disconnected(receiver: string): void {
    const r = this.receivers.get(receiver);
    if (r) r.connected = false;
  }

  emitted(id: string, room: string, sender: string, at: number): void {
    if (this.sent.has(id)) throw new Error(`message id reused: ${id}`);
    const m: SentMessage = { id, room, sender, emittedAt: at };
    this.sent.set(id, m);
    let list = this.byRoom.get(room);
    if (!list) this.byRoom.set(room, (list = []));
    list.push(m);
  }

  acked(id: string, ack: SendAck | undefined, at: number): AckResult {
    const m = this.sent.get(id);
    if (!m) return { kind: 'unknown' };
    if (m.outcome !== undefined) return { kind: 'late' };
    m.ackedAt = at;
    const ackMs = at - m.emittedAt;
    if (ack && ack.ok && ack.id === id) {
      m.outcome = 'ok';
      m.seq = ack.seq;
      return { kind: 'ok', ackMs };
    }
    m.outcome = ack && !ack.ok ? ack.error.code : 'invalid_ack';
    return { kind: 'rejected', code: m.outcome, ackMs };
  }

  /** No ack in time: the message is not counted as expected, and a late ack is ignored. */
  timedOut(id: string): boolean {
    const m = this.sent.get(id);
    if (!m || m.outcome !== undefined) return false;
    m.outcome = 'timeout';
    return true;
  }

  pendingAcks(): number {
    let n = 0;
    for (const m of this.sent.values()) if (m.outcome === undefined) n++;
    return n;
  }

  received(receiver: string, msg: ReceivedMessage, at: number): ReceiveResult {
    const r = this.receiver(receiver);
    const last = r.lastSeq.get(msg.room);
    // A duplicate repeats its seq; only a new id whose seq is not above the last one breaks the room's order.
    const duplicate = r.received.has(msg.id);
    const outOfOrder = !duplicate && last !== undefined && compareSeq(msg.seq, last) <= 0;
    if (duplicate) return { kind: 'duplicate', duplicate: true, outOfOrder };
    r.received.add(msg.id);
    if (last === undefined || compareSeq(msg.seq, last) > 0) r.lastSeq.set(msg.room, msg.seq);
    const m = this.sent.get(msg.id);
    if (!m || m.room !== msg.room) return { kind: 'foreign', duplicate: false, outOfOrder };
    return { kind: m.sender === receiver ? 'e2e' : 'fanout', latencyMs: at - m.emittedAt, duplicate: false, outOfOrder };
  }

  /** Deliveries still missing across all connected receivers: lets the drain stop as soon as everything arrived. */
  outstanding(): number {
    let n = 0;
    for (const [name, r] of this.receivers) if (r.connected) n += this.missingAt(name, r).length;
    return n;
  }

  /** The receiver is leaving: count what it should have received and did not, then forget it. */
  finalize(receiver: string): FinalizeResult {
    const r = this.receivers.get(receiver);
    if (!r) return { lostMessages: 0, missingDeliveries: 0, expectedDeliveries: 0 };
    this.receivers.delete(receiver);
    if (!r.connected) return { lostMessages: 0, missingDeliveries: 0, expectedDeliveries: 0 };
    const missing = this.missingAt(receiver, r);
    let lostMessages = 0;
    for (const id of missing) {
      if (!this.lostIds.has(id)) {
        this.lostIds.add(id);
        lostMessages++;
      }
    }
    return { lostMessages, missingDeliveries: missing.length, expectedDeliveries: this.expectedAt(r).length };
  }

  lost(): string[] {
    return [...this.lostIds];
  }

  private expectedAt(r: Receiver): SentMessage[] {
    const out: SentMessage[] = [];
    for (const [room, joinedAt] of r.rooms) {
      for (const m of this.byRoom.get(room) ?? []) if (m.outcome === 'ok' && m.emittedAt >= joinedAt) out.push(m);
    }
    return out;
  }

  private missingAt(_name: string, r: Receiver): string[] {
    return this.expectedAt(r)
      .filter((m) => !r.received.has(m.id))
      .map((m) => m.id);
  }

  private receiver(name: string): Receiver {
    let r = this.receivers.get(name);
    if (!r) this.receivers.set(name, (r = { rooms: new Map(), received: new Set(), lastSeq: new Map(), connected: true }));
    return r;
  }
}
