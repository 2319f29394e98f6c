/**
 * One chaos run, bounded in time: start the rig, connect the clients, chat for the schedule's duration (and until its
 * last fault is undone) while the faults are injected, then a closing message per room, a drain until every send is
 * acked and every member has every acked message (or the deadline: duration + drain), and the checks against history.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { ChatMessage } from '@chat/protocol';
import { runChecks, type CheckResult, type Evidence, type FaultRecord, type ProcessExit, type Recovery } from './checks';
import { ChaosClient, type SendRecord } from './client';
import { runFaults } from './faults';
import { readHistoryPatiently } from './history';
import { startRig, type Rig } from './rig';
import type { Schedule } from './schedule';
import { MAX_PENDING, planClients, roomName } from './workload';

export interface Counts {
  sent: number;
  acked: number;
  stored: number;
  /** send attempts, first tries and retries */
  attempts: number;
  unavailable: number;
  rateLimited: number;
  timeouts: number;
  /** attempts made while the client had no connection (failed at once, as in the web client) */
  offline: number;
  /** turns skipped because the client had MAX_PENDING sends unacked */
  skipped: number;
  liveDeliveries: number;
  redeliveries: number;
  caughtUp: number;
  reconnects: number;
  recoveredSessions: number;
}

export interface ChaosResult {
  ok: boolean;
  violations: number;
  schedule: Schedule;
  dir: string;
  machine: { cpus: number; model: string; loadBefore: number[]; loadAfter: number[] };
  /** wall time of each phase, ms */
  timing: { setupMs: number; sendingMs: number; drainMs: number; totalMs: number };
  counts: Counts;
  faults: FaultRecord[];
  recoveries: Recovery[];
  checks: CheckResult[];
}

type Log = (line: string) => void;

const CONNECT_TIMEOUT_MS = 60_000;
const HISTORY_TIMEOUT_MS = 60_000;
const POLL_MS = 250;
const PROGRESS_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export async function runChaos(schedule: Schedule, dir: string, log: Log = console.log): Promise<ChaosResult> {
  const started = Date.now();
  const loadBefore = os.loadavg();
  writeFileSync(join(dir, 'schedule.json'), JSON.stringify(schedule, null, 2) + '\n');
  log(
    `chaos: seed ${schedule.seed}, ${schedule.backend}, ${schedule.servers} server(s), ${schedule.durationMs / 1000} s of chatting, ` +
      `${schedule.faults.length} faults, ${schedule.clients} clients in ${schedule.rooms} rooms at ${schedule.rate} msg/s (logs in ${dir})`,
  );
  const rig = await startRig(schedule, dir);
  // The deadline: retries stop, a fault still held is undone, the drain ends.
  const deadline = new AbortController();
  const clients: ChaosClient[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const plans = planClients(schedule);
    for (const p of plans) clients.push(new ChaosClient(rig.url, p.name, p.rooms, deadline.signal));
    await Promise.all(clients.map((c) => c.ready(CONNECT_TIMEOUT_MS)));
    const t0 = Date.now();
    const setupMs = t0 - started;
    timer = setTimeout(() => deadline.abort(), schedule.durationMs + schedule.drainMs);
    const crashes: ProcessExit[] = [];
    const watching = watchServers(rig, t0, crashes, deadline.signal, log);

    let faultsDone = false;
    const faults = runFaults(rig, schedule.faults, t0, schedule.durationMs, deadline.signal, log).finally(() => (faultsDone = true));
    const sends: Promise<SendRecord>[] = [];
    let skipped = 0;
    // Chatting lasts the schedule's duration, and longer while a fault made late by slow restarts is still running.
    const chatting = Promise.all(
      plans.map(async (p, i) => {
        const client = clients[i]!;
        for (let due = t0 + p.offsetMs; due < t0 + schedule.durationMs || !faultsDone; due += p.periodMs) {
          await sleep(due - Date.now());
          if (deadline.signal.aborted) return;
          if (client.pending() >= MAX_PENDING) skipped++;
          else sends.push(client.send(p.nextRoom()));
        }
      }),
    );
    const progress = setInterval(() => log(progressLine(clients, t0)), PROGRESS_MS);
    await chatting;
    const sendingMs = Date.now() - t0;
    log(`${(sendingMs / 1000).toFixed(1)} s  chatting over; a closing message per room, then the drain`);
    const records = await faults;
    // After every fault is undone, each room sends once more, so each fault is followed by an ack in every room.
    for (let r = 0; r < schedule.rooms; r++) {
      const room = roomName(r);
      const member = clients.find((c) => c.views.has(room));
      if (member && !deadline.signal.aborted) sends.push(member.send(room));
    }
    await drain(clients, deadline.signal);
    clearInterval(progress);
    const drainMs = Date.now() - t0 - sendingMs;
    log(`${((Date.now() - t0) / 1000).toFixed(1)} s  ${deadline.signal.aborted ? 'drain deadline reached' : 'drained'}; checking`);
    deadline.abort();
    await Promise.all(sends);
    await watching;

    const rooms = Array.from({ length: schedule.rooms }, (_, r) => roomName(r));
    const history = await readAllHistory(rig, rooms);
    const evidence: Evidence = { rooms, history, clients, faults: records, t0, crashes };
    const { checks, recoveries } = runChecks(evidence);
    const violations = checks.reduce((n, c) => n + c.violations, 0);
    const result: ChaosResult = {
      ok: violations === 0,
      violations,
      schedule,
      dir,
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', loadBefore, loadAfter: os.loadavg() },
      timing: { setupMs, sendingMs, drainMs, totalMs: Date.now() - started },
      counts: count(clients, history, skipped),
      faults: records,
      recoveries,
      checks,
    };
    writeFileSync(join(dir, 'result.json'), JSON.stringify(result, null, 2) + '\n');
    writeEvidence(join(dir, 'evidence.json'), evidence, rig);
    return result;
  } finally {
    clearTimeout(timer);
    deadline.abort();
    for (const c of clients) c.close();
    await rig.stop();
  }
}

/** Until every send is settled and every member has every acked message of its rooms, or the deadline. */
async function drain(clients: ChaosClient[], signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const acked = new Map<string, Set<string>>();
    for (const c of clients) for (const s of c.sends) if (s.ack) acked.set(s.room, (acked.get(s.room) ?? new Set()).add(s.id));
    const settled = clients.every((c) => c.pending() === 0);
    const delivered = clients.every((c) => [...c.views].every(([room, v]) => [...(acked.get(room) ?? [])].every((id) => v.known.has(id))));
    if (settled && delivered) return;
    await sleep(POLL_MS);
  }
}

/**
 * A server that exits without being told to is a crash: recorded, and started again so the run goes on. The
 * fault runner restarts the servers it stopped itself.
 */
async function watchServers(rig: Rig, t0: number, crashes: ProcessExit[], signal: AbortSignal, log: Log): Promise<void> {
  const seen = new Map(rig.servers.map((s) => [s, s.exits.length]));
  while (!signal.aborted) {
    for (const s of rig.servers) {
      const exits = s.exits.slice(seen.get(s));
      seen.set(s, s.exits.length);
      for (const x of exits.filter((e) => !e.asked)) {
        crashes.push({ server: s.name, at: x.at - t0, code: x.code, signal: x.signal });
        log(
          `${((x.at - t0) / 1000).toFixed(1)} s  server ${s.name} exited by itself (code ${x.code}, signal ${x.signal}); starting it again`,
        );
        if (!s.running)
          await s.start().catch((err) => log(`server ${s.name} did not start again: ${(err as Error).message.split('\n')[0]}`));
      }
    }
    await sleep(POLL_MS);
  }
}

/** Every room's history, through the LB, else from any server directly; bounded. */
async function readAllHistory(rig: Rig, rooms: string[]): Promise<Map<string, ChatMessage[]>> {
  const signal = AbortSignal.timeout(HISTORY_TIMEOUT_MS);
  const history = new Map<string, ChatMessage[]>();
  for (const room of rooms) {
    let messages: ChatMessage[] | undefined;
    for (const url of [rig.url, ...rig.servers.map((s) => s.url)]) {
      messages = await readHistoryPatiently(
        url,
        room,
        undefined,
        AbortSignal.any([signal, AbortSignal.timeout(HISTORY_TIMEOUT_MS / 4)]),
      ).catch(() => undefined);
      if (messages) break;
    }
    if (!messages) throw new Error(`history of ${room} could not be read within ${HISTORY_TIMEOUT_MS / 1000} s: the rig did not recover`);
    history.set(room, messages);
  }
  return history;
}

function progressLine(clients: ChaosClient[], t0: number): string {
  const sends = clients.flatMap((c) => c.sends);
  const acked = sends.filter((s) => s.ack).length;
  const offline = clients.filter((c) => !c.connected).length;
  return `${((Date.now() - t0) / 1000).toFixed(0)} s  ${sends.length} sent, ${acked} acked, ${sends.length - acked} waiting, ${offline} clients disconnected`;
}

function count(clients: ChaosClient[], history: Map<string, ChatMessage[]>, skipped: number): Counts {
  const sends = clients.flatMap((c) => c.sends);
  const attempts = sends.flatMap((s) => s.attempts);
  const outcomes = (o: string) => attempts.filter((a) => a.outcome === o).length;
  const views = clients.flatMap((c) => [...c.views.values()]);
  return {
    sent: sends.length,
    acked: sends.filter((s) => s.ack).length,
    stored: [...history.values()].reduce((n, l) => n + l.length, 0),
    attempts: attempts.length,
    unavailable: outcomes('unavailable'),
    rateLimited: outcomes('rate_limited'),
    timeouts: outcomes('timeout'),
    offline: outcomes('offline'),
    skipped,
    liveDeliveries: views.reduce((n, v) => n + v.live.length, 0),
    redeliveries: views.reduce((n, v) => n + v.redeliveries, 0),
    caughtUp: views.reduce((n, v) => n + v.caughtUp, 0),
    reconnects: clients.reduce((n, c) => n + c.connects - 1, 0),
    recoveredSessions: clients.reduce((n, c) => n + c.recoveries, 0),
  };
}

/**
 * Everything the checks read, for reading a failure: each send with its attempts (times relative to t0), what each
 * member received live and in which order, history, and which server stored each message (from its log).
 */
function writeEvidence(file: string, e: Evidence, rig: Rig): void {
  const rel = (t: number) => t - e.t0;
  const storedBy: Record<string, string[]> = {};
  for (const s of rig.servers) for (const id of s.stored()) (storedBy[id] ??= []).push(s.name);
  const data = {
    t0: new Date(e.t0).toISOString(),
    clients: e.clients.map((c) => ({
      name: c.name,
      sends: c.sends.map((s) => ({
        id: s.id,
        room: s.room,
        firstAt: rel(s.firstAt),
        attempts: s.attempts.map((a) => [rel(a.at), a.outcome]),
        ...(s.ack ? { ack: { seq: s.ack.seq, at: rel(s.ack.at) } } : {}),
        ...(s.refused ? { refused: s.refused } : {}),
      })),
      rooms: Object.fromEntries(
        [...c.views].map(([room, v]) => [room, { live: v.live.map((d) => [d.id, d.seq, rel(d.at)]), caughtUp: v.caughtUp }]),
      ),
    })),
    history: Object.fromEntries([...e.history].map(([room, list]) => [room, list.map((m) => [m.seq, m.id])])),
    storedBy,
  };
  writeFileSync(file, JSON.stringify(data) + '\n');
}
