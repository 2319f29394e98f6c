/**
 * What a chaos run does and when: the system's shape, the clients' workload and the faults, drawn from one seed.
 * Written next to every run's result (`schedule.json`) and read back by `--schedule`, so a failure can be replayed.
 */
import { readFileSync } from 'node:fs';
import { Random } from './random';

export const FAULT_KINDS = ['kill', 'term', 'redis', 'freeze', 'partition'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type Backend = 'moto' | 'embedded';

/** What each kind does, and how it ends (the README's table says the same). */
export const FAULT_MEANING: Record<FaultKind, string> = {
  kill: 'SIGKILL one server (a crash), restart it after the hold',
  term: 'SIGTERM one server (its graceful stop), restart it after the hold',
  redis: 'stop Redis (its data goes with it), start it again after the hold',
  freeze: 'SIGSTOP moto, the store and queue (every call hangs), SIGCONT after the hold',
  partition: "cut one server's connections to Redis (others still reach it), restore after the hold",
};

/** The embedded backend is one process with its queue inside: nothing else to fault. */
export const BACKEND_FAULTS: Record<Backend, readonly FaultKind[]> = {
  moto: FAULT_KINDS,
  embedded: ['kill', 'term'],
};

/** Kinds aimed at one server (the others act on the shared Redis or store). */
export const SERVER_FAULTS: readonly FaultKind[] = ['kill', 'term', 'partition'];

export interface FaultSpec {
  /** ms after sending starts; a fault starts no earlier than the previous one has ended */
  at: number;
  kind: FaultKind;
  /** 1-based (HAProxy's s1, s2, …), for the kinds aimed at one server */
  server?: number;
  /** how long the fault lasts before it is undone, ms */
  holdMs: number;
}

export interface Schedule {
  version: 1;
  seed: number;
  backend: Backend;
  servers: number;
  /** how long clients send while faults are injected, ms */
  durationMs: number;
  /** after that, how long every send may take to be acked and every delivery to arrive, ms */
  drainMs: number;
  clients: number;
  rooms: number;
  /** messages per second, all clients together */
  rate: number;
  /** the kinds the faults were drawn from */
  kinds: FaultKind[];
  faults: FaultSpec[];
}

/** Hold times by kind (ms): freezes past the server's 5 s backend timeout, so acks answer `unavailable`. */
const HOLD_MS: Record<FaultKind, [number, number]> = {
  kill: [1000, 6000],
  term: [1000, 6000],
  redis: [2000, 10_000],
  freeze: [2000, 15_000],
  partition: [2000, 12_000],
};
/** Quiet time after one fault ends and before the next starts, ms. */
const GAP_MS: [number, number] = [4000, 12_000];
/** No fault in the first seconds (the run's baseline) nor in the last ones (time to recover before the drain). */
const LEAD_MS: [number, number] = [6000, 10_000];
const TAIL_MS = 8000;

export type ScheduleShape = Omit<Schedule, 'version' | 'faults'>;

/**
 * Faults one after the other, from a bag of the allowed kinds shuffled anew each round, so every kind comes once
 * before any comes twice.
 */
export function drawSchedule(shape: ScheduleShape): Schedule {
  const { kinds } = shape;
  const random = new Random(shape.seed).fork('faults');
  const faults: FaultSpec[] = [];
  let bag: FaultKind[] = [];
  let at = random.int(...LEAD_MS);
  while (kinds.length > 0) {
    if (bag.length === 0) bag = random.shuffle(kinds);
    const kind = bag.shift()!;
    const holdMs = random.int(...HOLD_MS[kind]);
    if (at + holdMs > shape.durationMs - TAIL_MS) break;
    faults.push({ at, kind, ...(SERVER_FAULTS.includes(kind) ? { server: random.int(1, shape.servers) } : {}), holdMs });
    at += holdMs + random.int(...GAP_MS);
  }
  return { version: 1, ...shape, kinds: [...kinds], faults };
}

export class ScheduleError extends Error {}

const isCount = (v: unknown, min = 1): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** A schedule as read from a file, checked field by field: a bad one is refused with what is wrong. */
export function parseSchedule(raw: unknown): Schedule {
  const s = raw as Partial<Schedule> | null;
  const bad = (what: string) => new ScheduleError(`schedule: ${what}`);
  if (!s || typeof s !== 'object') throw bad('not a JSON object');
  if (s.version !== 1) throw bad(`version must be 1, got ${String(s.version)}`);
  if (!isCount(s.seed, 0)) throw bad('seed must be a non-negative integer');
  if (s.backend !== 'moto' && s.backend !== 'embedded') throw bad('backend must be moto or embedded');
  if (!isCount(s.servers)) throw bad('servers must be a positive integer');
  if (!isMs(s.durationMs) || s.durationMs === 0) throw bad('durationMs must be a positive number');
  if (!isMs(s.drainMs)) throw bad('drainMs must be a non-negative number');
  if (!isCount(s.clients)) throw bad('clients must be a positive integer');
  if (!isCount(s.rooms)) throw bad('rooms must be a positive integer');
  if (typeof s.rate !== 'number' || !(s.rate > 0)) throw bad('rate must be a positive number');
  if (s.rooms > s.clients) throw bad('rooms must be at most clients: every room needs a member');
  if (!Array.isArray(s.kinds) || s.kinds.some((k) => !FAULT_KINDS.includes(k)))
    throw bad(`kinds must list kinds of ${FAULT_KINDS.join(', ')}`);
  if (!Array.isArray(s.faults)) throw bad('faults must be a list');
  const schedule = s as Schedule;
  schedule.faults.forEach((f, i) => {
    const where = `faults[${i}]`;
    if (!f || typeof f !== 'object') throw bad(`${where} is not an object`);
    if (!FAULT_KINDS.includes(f.kind)) throw bad(`${where}.kind must be one of ${FAULT_KINDS.join(', ')}`);
    if (!isMs(f.at) || !isMs(f.holdMs)) throw bad(`${where}: at and holdMs must be non-negative numbers (ms)`);
    if (SERVER_FAULTS.includes(f.kind) && !(isCount(f.server) && f.server <= schedule.servers)) {
      throw bad(`${where}.server must be 1 to ${schedule.servers} for ${f.kind}`);
    }
  });
  const refused = refusal(schedule.backend, schedule.servers, [...schedule.kinds, ...schedule.faults.map((f) => f.kind)]);
  if (refused) throw bad(refused);
  return schedule;
}

export function readSchedule(file: string): Schedule {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScheduleError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return parseSchedule(JSON.parse(text));
  } catch (err) {
    if (err instanceof ScheduleError) throw new ScheduleError(`${file}: ${err.message}`);
    throw new ScheduleError(`${file} is not JSON: ${(err as Error).message}`);
  }
}

/** Why a backend cannot run this shape (one line), or undefined when it can. */
export function refusal(backend: Backend, servers: number, kinds: readonly FaultKind[]): string | undefined {
  if (backend === 'embedded' && servers > 1) {
    return '--backend embedded runs one server: its queue lives inside the server process and cannot be shared (use --backend moto for --servers 2 or more)';
  }
  const impossible = kinds.filter((k) => !BACKEND_FAULTS[backend].includes(k));
  if (impossible.length > 0) {
    return `--backend ${backend} has no Redis and no store process to fault: its faults are ${BACKEND_FAULTS[backend].join(', ')}, not ${[...new Set(impossible)].join(', ')}`;
  }
  return undefined;
}
