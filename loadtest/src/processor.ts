/**
 * Artillery processor for the socketio-v3 engine. Each virtual user: connect (engine step) → joinRoom →
 * waitForStart → loop sendNext while stillSending → drain. All users of this process share one Ledger, so every
 * message is checked at every receiver in the same process (lost / duplicated / out-of-order), and one clock, so
 * fan-out latency needs no clock sync.
 *
 * Artillery runs this file inside a worker thread; state below is per worker.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { TEXT_MAX, type ChatMessage, type SendAck } from '@chat/protocol';
import { Ledger } from './ledger';
import { planFor, type VuPlan } from './plan';
import { RunStats } from './stats';
import { readVars, type RunVars } from './vars';

/** The parts of Artillery's objects this file touches. */
interface Emitter {
  emit(kind: 'counter', name: string, value: number): void;
  emit(kind: 'histogram', name: string, value: number): void;
  emit(kind: 'error', message: string): void;
}
interface ClientSocket {
  on(event: string, fn: (...args: any[]) => void): void;
  emit(event: string, ...args: unknown[]): void;
  timeout(ms: number): { emit(event: string, ...args: unknown[]): void };
}
interface Context {
  vars: Record<string, unknown>;
  sockets: Record<string, ClientSocket | undefined>;
  __chat?: VuState;
}
type Done = (err?: Error) => void;

interface VuState {
  name: string;
  index: number;
  plan: VuPlan;
  next: number;
  sending: boolean;
  closing: boolean;
  /** flood: the flooder's own connection, from FLOOD_ADDRESS, which it sends on */
  floodSocket?: Socket;
  target?: string;
}

/**
 * The flooder's address, as a proxy in front would report it (X-Forwarded-For; a local server trusts one hop): the
 * server keys its per-address limits on it, while every other user stays on loopback, which the local servers
 * exempt. A documentation range, never a real client.
 */
const FLOOD_ADDRESS = '203.0.113.66';
/** The flooder's text: the longest a message may be, in characters of three UTF-8 bytes (the most store units). */
const FLOOD_TEXT = '\u4e2d'.repeat(TEXT_MAX - 12);
/** The largest history page the protocol allows: the most read units a request can cost. */
const FLOOD_HISTORY_LIMIT = 200;

interface Clock {
  vars: RunVars;
  /** performance.now() of the common send start */
  startAt: number;
  endAt: number;
  stats: RunStats;
}

const ledger = new Ledger();
const runTag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}t${threadId}`;
let clock: Clock | undefined;
let vuCounter = 0;
let activeVus = 0;
let sendingVus = 0;
let drained: Promise<void> | undefined;

/** The first user to arrive fixes the schedule: everyone has connected and joined before sending starts. */
function clockFor(context: Context): Clock {
  if (!clock) {
    const vars = readVars(context.vars);
    const startAt = performance.now() + (vars.ramp + vars.settle) * 1000;
    clock = {
      vars,
      startAt,
      endAt: startAt + vars.duration * 1000,
      stats: new RunStats(Date.now() + (vars.ramp + vars.settle) * 1000),
    };
  }
  return clock;
}

const second = (c: Clock, at: number): number => Math.floor((at - c.startAt) / 1000);

/** `--token-file`'s tokens (the harness names the file in LOADTEST_TOKEN_FILE), read once per worker. */
let tokens: string[] | undefined;
let tokenCounter = 0;

/**
 * Before `connect`: a signed-in run gives each user the next token, which the scenario's `connect: { auth: "{{ auth }}" }`
 * puts in the handshake. Without a token file, nothing (no `auth`: a v1 client's handshake).
 */
export function pickToken(context: Context, _events: Emitter, done: Done): void {
  const file = process.env['LOADTEST_TOKEN_FILE'];
  if (file) {
    tokens ??= readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    context.vars['auth'] = { token: tokens[(threadId + tokenCounter++) % tokens.length] };
  }
  done();
}

export function joinRoom(context: Context, events: Emitter, done: Done): void {
  const socket = context.sockets[''];
  if (!socket) return done(new Error('no socket: the scenario must `connect` before joinRoom'));
  const c = clockFor(context);
  const index = vuCounter++;
  const plan = planFor(index, c.vars);
  const vu: VuState = { name: `vu${index}`, index, plan, next: 0, sending: Number.isFinite(plan.intervalMs), closing: false };
  context.__chat = vu;
  activeVus++;
  if (vu.sending) sendingVus++;

  socket.on('newMessage', (m: ChatMessage) => onMessage(c, vu, m, events));
  socket.on('disconnect', () => {
    if (vu.closing) return;
    // A dropped connection leaves the room: nothing more can be expected at this user.
    ledger.disconnected(vu.name);
    c.stats.count('chat.disconnects');
    events.emit('counter', 'chat.disconnects', 1);
  });

  if (plan.role === 'flooder') {
    // Receives on the engine's socket (so the ledger checks its messages too), sends from its own address.
    vu.target = typeof context.vars.target === 'string' ? context.vars.target : undefined;
    if (vu.target) {
      vu.floodSocket = connectSocket(vu.target, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: { 'X-Forwarded-For': FLOOD_ADDRESS },
      });
    }
  }

  let answered = false;
  socket.timeout(c.vars.ackTimeout * 1000).emit('join', plan.room, (err: Error | null, ack?: { ok: boolean }) => {
    if (answered) return;
    answered = true;
    if (err || !ack?.ok) {
      leave(vu);
      return done(new Error(`join ${plan.room} failed: ${err ? 'timeout' : JSON.stringify(ack)}`));
    }
    ledger.joined(vu.name, plan.room, performance.now());
    done();
  });
}

export function waitForStart(context: Context, _events: Emitter, done: Done): void {
  const c = clockFor(context);
  setTimeout(() => done(), Math.max(0, c.startAt - performance.now()));
}

/** Sends this user's next message at its slot; slots are fixed in advance so a slow ack never lowers the rate. */
export function sendNext(context: Context, events: Emitter, done: Done): void {
  const c = clockFor(context);
  const vu = context.__chat;
  if (!vu || !vu.sending) return done();
  const at = vu.plan.offsetMs + vu.next * vu.plan.intervalMs;
  if (at >= c.vars.duration * 1000) {
    stopSending(vu);
    return done();
  }
  setTimeout(
    () => {
      send(c, vu, vu.floodSocket ?? context.sockets[''], events);
      if (vu.floodSocket) void floodHistory(c, vu, events);
      vu.next++;
      done();
    },
    Math.max(0, c.startAt + at - performance.now()),
  );
}

export function stillSending(context: Context, next: (more: boolean) => void): void {
  next(context.__chat?.sending === true);
}

/** Waits until every ack and every expected delivery in this process arrived (or the drain timeout), then counts. */
export function drain(context: Context, events: Emitter, done: Done): void {
  const c = clockFor(context);
  const vu = context.__chat;
  if (!vu) return done();
  stopSending(vu);
  drained ??= waitDrained(c);
  void drained.then(() => {
    vu.closing = true;
    const r = ledger.finalize(vu.name);
    c.stats.count('chat.lost', r.lostMessages);
    c.stats.count('chat.lost_deliveries', r.missingDeliveries);
    c.stats.count('chat.expected_deliveries', r.expectedDeliveries);
    // Zeros are emitted too, so `ensure` conditions always find these counters.
    events.emit('counter', 'chat.lost', r.lostMessages);
    events.emit('counter', 'chat.lost_deliveries', r.missingDeliveries);
    events.emit('counter', 'chat.duplicated', 0);
    events.emit('counter', 'chat.out_of_order', 0);
    events.emit('counter', 'chat.send_failed', 0);
    if (r.lostMessages > 0) events.emit('error', 'chat: acknowledged message never received');
    leave(vu);
    done();
  });
}

function send(c: Clock, vu: VuState, socket: ClientSocket | undefined, events: Emitter): void {
  if (!socket) return;
  const id = `${runTag}-${vu.index}-${vu.next}`;
  const flood = vu.plan.role === 'flooder';
  const prefix = flood ? 'chat.flood.' : 'chat.';
  const emittedAt = performance.now();
  ledger.emitted(id, vu.plan.room, vu.name, emittedAt);
  c.stats.count(`${prefix}sent`);
  events.emit('counter', `${prefix}sent`, 1);
  const msg = { id, room: vu.plan.room, author: `loadtest-${vu.index}`, text: `${flood ? FLOOD_TEXT : c.vars.text} #${vu.next}` };
  socket.timeout(c.vars.ackTimeout * 1000).emit('sendMessage', msg, (err: Error | null, ack?: SendAck) => {
    const at = performance.now();
    if (err) {
      if (!ledger.timedOut(id)) return;
      c.stats.count('chat.ack_timeout');
      events.emit('counter', 'chat.ack_timeout', 1);
      return failed(c, events);
    }
    const r = ledger.acked(id, ack, at);
    if (r.kind === 'ok') {
      c.stats.record(`${prefix}ack_ms`, second(c, emittedAt), r.ackMs);
      c.stats.count(`${prefix}acked`);
      events.emit('histogram', `${prefix}ack_ms`, r.ackMs);
      events.emit('counter', `${prefix}acked`, 1);
    } else if (r.kind === 'rejected') {
      c.stats.count(`${prefix}rejected.${r.code}`);
      events.emit('counter', `${prefix}rejected.${r.code}`, 1);
      // Being rate limited is what the flooder is for; anyone else being refused is a failed send.
      if (!(flood && r.code === 'rate_limited')) failed(c, events);
    }
  });
}

/** The flooder's history read: the largest page, the newest one and older ones in turn, from its own address. */
async function floodHistory(c: Clock, vu: VuState, events: Emitter): Promise<void> {
  const before = vu.next % 2 === 0 ? '' : `&before=${vu.next}`;
  const startedAt = performance.now();
  let outcome = 'failed';
  try {
    const res = await fetch(`${vu.target}/history?room=${vu.plan.room}&limit=${FLOOD_HISTORY_LIMIT}${before}`, {
      headers: { 'X-Forwarded-For': FLOOD_ADDRESS },
      signal: AbortSignal.timeout(c.vars.ackTimeout * 1000),
    });
    await res.arrayBuffer();
    outcome = res.status === 200 ? 'ok' : res.status === 429 ? 'rate_limited' : 'failed';
  } catch {
    // Counted as failed below: a refused flood is the expected outcome, a failed one is worth seeing.
  }
  c.stats.count(`chat.flood.history.${outcome}`);
  events.emit('counter', `chat.flood.history.${outcome}`, 1);
  if (outcome === 'ok') {
    const ms = performance.now() - startedAt;
    c.stats.record('chat.flood.history_ms', second(c, startedAt), ms);
    events.emit('histogram', 'chat.flood.history_ms', ms);
  }
}

function failed(c: Clock, events: Emitter): void {
  c.stats.count('chat.send_failed');
  events.emit('counter', 'chat.send_failed', 1);
}

function onMessage(c: Clock, vu: VuState, m: ChatMessage, events: Emitter): void {
  if (vu.closing || typeof m?.id !== 'string' || typeof m.seq !== 'string') return;
  const at = performance.now();
  const r = ledger.received(vu.name, { id: m.id, room: m.room, seq: m.seq }, at);
  if (r.outOfOrder) {
    c.stats.count('chat.out_of_order');
    events.emit('counter', 'chat.out_of_order', 1);
  }
  if (r.kind === 'duplicate') {
    c.stats.count('chat.duplicated');
    events.emit('counter', 'chat.duplicated', 1);
    return;
  }
  if (r.kind === 'foreign') return;
  c.stats.count('chat.received');
  events.emit('counter', 'chat.received', 1);
  const sentBySelf = r.kind === 'e2e';
  const metric = sentBySelf ? (vu.plan.role === 'flooder' ? 'chat.flood.e2e_ms' : 'chat.e2e_ms') : 'chat.fanout_ms';
  c.stats.record(metric, second(c, at - r.latencyMs), r.latencyMs);
  events.emit('histogram', metric, r.latencyMs);
}

function stopSending(vu: VuState): void {
  if (!vu.sending) return;
  vu.sending = false;
  sendingVus--;
}

function leave(vu: VuState): void {
  stopSending(vu);
  vu.floodSocket?.close();
  activeVus--;
  if (activeVus === 0) writeStats();
}

async function waitDrained(c: Clock): Promise<void> {
  const deadline = () => Math.max(c.endAt, performance.now()) + c.vars.drainTimeout * 1000;
  // Wait for the other users to finish sending (they share the window, so this is short), then for the deliveries.
  while (sendingVus > 0) await sleep(50);
  const until = deadline();
  // Acks time out on their own (drainTimeout is at least ackTimeout), so pending acks always end.
  while (performance.now() < until && (ledger.pendingAcks() > 0 || ledger.outstanding() > 0)) await sleep(100);
}

function writeStats(): void {
  const c = clock;
  const dir = process.env.LOADTEST_STATS_DIR;
  if (!c || !dir) return;
  c.stats.lostIds = ledger.lost().slice(0, 100);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `stats-${process.pid}-${threadId}.json`), JSON.stringify(c.stats.toJSON()));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
