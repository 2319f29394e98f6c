/**
 * The verdict of a chaos run, from what the clients recorded and what history holds at the end. Pure functions: the
 * run gathers the evidence, these compute each check and the recovery after each fault.
 */
import { compareSeq, type ChatMessage } from '@chat/protocol';
import type { RoomView, SendRecord } from './client';
import type { FaultSpec } from './schedule';

export interface ClientRecord {
  name: string;
  views: Map<string, RoomView>;
  sends: SendRecord[];
}

export interface FaultRecord extends FaultSpec {
  /** ms after sending started that it was injected; undefined: never (the run ended first) */
  startedAt?: number;
  /**
   * ms after sending started that it was undone and the system whole again (the server listening, Redis answering,
   * moto resumed, the link restored); undefined: it was still in effect when the run ended
   */
  endedAt?: number;
  /** what went wrong injecting or undoing it (a server that did not start again, say) */
  error?: string;
}

export interface ProcessExit {
  server: string;
  /** ms after sending started */
  at: number;
  code: number | null;
  signal: string | null;
}

export interface Evidence {
  rooms: string[];
  /** every message of each room at the end, oldest → newest */
  history: Map<string, ChatMessage[]>;
  clients: ClientRecord[];
  faults: FaultRecord[];
  /** when sending started (epoch ms): fault times are relative to it */
  t0: number;
  /** server processes that exited without being told to */
  crashes: ProcessExit[];
}

export interface CheckResult {
  name: string;
  ok: boolean;
  /** what was checked, in numbers */
  detail: string;
  /** how many things broke it */
  violations: number;
  /** the first few, with ids, for the report */
  examples: string[];
}

export interface Recovery {
  /** index in the schedule */
  index: number;
  fault: FaultRecord;
  /** from the fault's end to the first ack in any room, ms */
  firstAckMs?: number;
  /** from the fault's end until every room had acked again, ms */
  allRoomsMs?: number;
  /** rooms with no ack after the fault ended */
  unrecovered: string[];
}

const EXAMPLES = 5;

function check(name: string, detail: string, problems: string[]): CheckResult {
  return { name, ok: problems.length === 0, detail, violations: problems.length, examples: problems.slice(0, EXAMPLES) };
}

/** Every acked message is in history exactly once, with the seq its ack gave; no id is stored twice at all. */
export function checkStoredOnce(e: Evidence): CheckResult {
  const problems: string[] = [];
  const stored = new Map<string, string>();
  let messages = 0;
  for (const [room, list] of e.history) {
    for (const m of list) {
      messages++;
      const key = `${room}/${m.id}`;
      if (stored.has(key)) problems.push(`${key} stored twice (seq ${stored.get(key)} and ${m.seq})`);
      else stored.set(key, m.seq);
    }
  }
  let acked = 0;
  for (const c of e.clients) {
    for (const s of c.sends) {
      if (!s.ack) continue;
      acked++;
      const seq = stored.get(`${s.room}/${s.id}`);
      if (seq === undefined) problems.push(`${s.room}/${s.id} acked with seq ${s.ack.seq} but not in history`);
      else if (seq !== s.ack.seq) problems.push(`${s.room}/${s.id} acked with seq ${s.ack.seq}, stored as ${seq}`);
    }
  }
  return check('every acked message stored once', `${acked} acked, ${messages} in history`, problems);
}

/** Every send was acked in the end: retried through every fault, none left waiting and none refused for good. */
export function checkAllAcked(e: Evidence): CheckResult {
  const problems: string[] = [];
  let sends = 0;
  for (const c of e.clients) {
    for (const s of c.sends) {
      sends++;
      if (s.refused) problems.push(`${s.room}/${s.id} refused: ${s.refused.code} ${s.refused.message}`);
      else if (!s.ack)
        problems.push(`${s.room}/${s.id} never acked (${s.attempts.length} attempts, last ${s.attempts.at(-1)?.outcome ?? 'none'})`);
    }
  }
  return check('every send acked (after retries)', `${sends} sent`, problems);
}

/**
 * Every member has every message of its room exactly once, as stored: live or from its own catch-up on reconnect
 * (de-duplicated by id, as the client shows them), nothing history lacks, no id with another seq.
 */
export function checkDelivered(e: Evidence): CheckResult {
  const problems: string[] = [];
  let expected = 0;
  let live = 0;
  let caughtUp = 0;
  let redelivered = 0;
  for (const c of e.clients) {
    for (const [room, view] of c.views) {
      const history = e.history.get(room) ?? [];
      const seqOf = new Map(history.map((m) => [m.id, m.seq]));
      expected += history.length;
      live += view.live.length;
      caughtUp += view.caughtUp;
      redelivered += view.redeliveries;
      for (const m of history) if (!view.known.has(m.id)) problems.push(`${c.name} never got ${room}/${m.id} (seq ${m.seq})`);
      for (const [id, m] of view.known) {
        const seq = seqOf.get(id);
        if (seq === undefined) problems.push(`${c.name} got ${room}/${id} (seq ${m.seq}), which history lacks`);
        else if (seq !== m.seq) problems.push(`${c.name} got ${room}/${id} as seq ${m.seq}, stored as ${seq}`);
      }
      for (const x of view.conflicts) problems.push(`${c.name} got ${room}/${x.id} as seq ${x.knownSeq} and as ${x.seq}`);
    }
  }
  return check(
    'every member got every message once',
    `${expected} expected, ${live} live deliveries, ${caughtUp} from catch-up, ${redelivered} re-deliveries dropped by id`,
    problems,
  );
}

/** One order everywhere, equal to history: live messages arrive in seq order, and every member's view sorts as history. */
export function checkOrder(e: Evidence): CheckResult {
  const problems: string[] = [];
  let members = 0;
  for (const c of e.clients) {
    for (const [room, view] of c.views) {
      members++;
      for (const x of view.outOfOrder) problems.push(`${c.name} got ${room}/${x.id} (seq ${x.seq}) live after seq ${x.after}`);
      // Missing and extra messages are the delivery check's: here only the order of those both have.
      const history = (e.history.get(room) ?? []).map((m) => m.id);
      const inHistory = new Set(history);
      const expected = history.filter((id) => view.known.has(id));
      const seen = [...view.known.values()]
        .sort((a, b) => compareSeq(a.seq, b.seq))
        .map((m) => m.id)
        .filter((id) => inHistory.has(id));
      const at = seen.findIndex((id, i) => id !== expected[i]);
      if (at >= 0) problems.push(`${c.name} sees ${room} in another order than history from ${seen[at]}`);
    }
  }
  const rooms = [...e.history.values()].reduce((n, l) => n + l.length, 0);
  return check('one order everywhere = history', `${members} memberships, ${rooms} messages in ${e.history.size} rooms`, problems);
}

/** A room's seqs are 1, 2, 3, … with nothing missing, in history order. */
export function checkNoGap(e: Evidence): CheckResult {
  const problems: string[] = [];
  for (const [room, list] of e.history) {
    list.forEach((m, i) => {
      let n: bigint | undefined;
      try {
        n = BigInt(m.seq);
      } catch {
        n = undefined;
      }
      if (n !== BigInt(i + 1)) problems.push(`${room}: message ${i + 1} (${m.id}) has seq ${m.seq}`);
    });
  }
  return check('no seq gap', `${e.history.size} rooms`, problems.slice(0, 100));
}

/**
 * Time to recover after each fault: from its end to the first ack in any room, and until every room had acked again.
 * A fault still in effect when the run ended, or a room that never acked after it, is unrecovered.
 */
export function recoveries(e: Evidence): Recovery[] {
  const acks = new Map<string, number[]>(e.rooms.map((r) => [r, []]));
  for (const c of e.clients) for (const s of c.sends) if (s.ack) acks.get(s.room)?.push(s.ack.at - e.t0);
  for (const list of acks.values()) list.sort((a, b) => a - b);
  return e.faults.map((fault, index) => {
    if (fault.startedAt === undefined) return { index, fault, unrecovered: [] };
    if (fault.endedAt === undefined) return { index, fault, unrecovered: [...e.rooms] };
    const end = fault.endedAt;
    const firsts = new Map<string, number>();
    for (const [room, list] of acks) {
      const first = list.find((t) => t >= end);
      if (first !== undefined) firsts.set(room, first - end);
    }
    const times = [...firsts.values()];
    const unrecovered = e.rooms.filter((r) => !firsts.has(r));
    return {
      index,
      fault,
      ...(times.length > 0 ? { firstAckMs: Math.min(...times) } : {}),
      ...(unrecovered.length === 0 && times.length > 0 ? { allRoomsMs: Math.max(...times) } : {}),
      unrecovered,
    };
  });
}

export function checkRecovered(e: Evidence, rs: Recovery[]): CheckResult {
  const problems: string[] = [];
  for (const r of rs) {
    const f = r.fault;
    const name = `#${r.index + 1} ${f.kind}${f.server ? ` s${f.server}` : ''}`;
    if (f.error) problems.push(`${name}: ${f.error}`);
    if (f.startedAt === undefined) continue;
    if (f.endedAt === undefined) problems.push(`${name} still in effect when the run ended`);
    else if (r.unrecovered.length > 0) problems.push(`${name}: no ack after it ended in ${r.unrecovered.join(', ')}`);
  }
  for (const x of e.crashes)
    problems.push(`server ${x.server} exited by itself at ${(x.at / 1000).toFixed(1)} s (code ${x.code}, signal ${x.signal})`);
  const injected = e.faults.filter((f) => f.startedAt !== undefined).length;
  return check('every fault recovered, no server died by itself', `${injected} faults injected`, problems);
}

export function runChecks(e: Evidence): { checks: CheckResult[]; recoveries: Recovery[] } {
  const rs = recoveries(e);
  return {
    checks: [checkStoredOnce(e), checkAllAcked(e), checkDelivered(e), checkOrder(e), checkNoGap(e), checkRecovered(e, rs)],
    recoveries: rs,
  };
}
