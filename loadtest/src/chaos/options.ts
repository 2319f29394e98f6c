/** Command-line options of `npm run chaos`: into a schedule (drawn from a seed, or read from a file) and a report dir. */
import { randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import { formatUsage, type CommandSpec } from '@chat/cli';
import {
  BACKEND_FAULTS,
  drawSchedule,
  FAULT_KINDS,
  FAULT_MEANING,
  readSchedule,
  refusal,
  type Backend,
  type FaultKind,
  type Schedule,
} from './schedule';

export interface ChaosOptions {
  schedule: Schedule;
  /** where schedule.json, result.json and the logs go; default loadtest/reports/<time>-chaos */
  outDir?: string;
  /** the file the schedule was read from, when it was */
  replayOf?: string;
  help: boolean;
}

/** The command's options: its --help text (README's Commands table is checked against it). */
export const CHAOS_COMMAND: CommandSpec = {
  command: 'npm run chaos --',
  summary:
    'Runs chat servers behind HAProxy (with Redis and moto on loopback) and clients that chat as the web client does,\n' +
    'while a seeded schedule injects faults; then checks that nothing acked was lost, doubled or reordered, and how long\n' +
    'each fault took to recover from. Exits 1 on any violation.',
  options: [
    { flag: '--servers', value: 'N', default: '2; --backend embedded: 1', description: 'chat servers behind HAProxy' },
    { flag: '--minutes', value: 'M', default: '5', description: 'how long clients chat while faults are injected (fractions allowed)' },
    {
      flag: '--backend',
      value: 'B',
      default: 'moto',
      description: 'moto | embedded (one server over its SQLite file, kill and term only); moto creates .venv the first time',
    },
    {
      flag: '--seed',
      value: 'N',
      default: 'random, printed',
      description: "the schedule's seed; the same seed and options draw the same schedule",
    },
    { flag: '--schedule', value: 'FILE', description: 'replay a written schedule (schedule.json of an earlier run), with its own options' },
    {
      flag: '--faults',
      value: 'LIST',
      default: 'all the backend has',
      description: `kinds to draw from, comma-separated: ${FAULT_KINDS.join(',')}`,
    },
    { flag: '--clients', value: 'N', default: '8', description: 'chatting clients, each a socket in 2 rooms' },
    { flag: '--rooms', value: 'N', default: '3', description: 'rooms' },
    { flag: '--rate', value: 'R', default: '4', description: 'messages per second, all clients together' },
    { flag: '--drain', value: 'S', default: '120', description: 'seconds after the chatting for acks and deliveries to arrive' },
    {
      flag: '--out',
      value: 'DIR',
      default: 'loadtest/reports/<time>-chaos',
      description: 'where schedule.json, result.json and the logs go',
    },
  ],
  settings: [{ name: 'CHAT_VENV', default: '.venv', description: 'Python environment with moto_server for --backend moto' }],
  notes: `Faults:\n${FAULT_KINDS.map((k) => `  ${k.padEnd(10)} ${FAULT_MEANING[k]}`).join('\n')}`,
};

export const USAGE = formatUsage(CHAOS_COMMAND);

export class UsageError extends Error {}

/** Options that shape the run: a replayed schedule brings its own. */
const SHAPING = ['--servers', '--minutes', '--backend', '--seed', '--faults', '--clients', '--rooms', '--rate', '--drain'];

function positive(name: string, raw: string | undefined, integer: boolean, min = Number.MIN_VALUE): number {
  const n = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `--${name} needs a ${min === 0 ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}, got ${raw ?? 'nothing'}`,
    );
  }
  return n;
}

export interface ParseContext {
  /** relative --schedule and --out paths are the caller's */
  cwd?: string;
  /** the seed when none is given */
  seedSource?: () => number;
}

export function parseChaosArgs(argv: string[], ctx: ParseContext = {}): ChaosOptions {
  const seedSource = ctx.seedSource ?? (() => randomInt(2 ** 31));
  const given = new Map<string, string | undefined>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (flag === '--help' || flag === '-h') {
      help = true;
      continue;
    }
    if (![...SHAPING, '--schedule', '--out'].includes(flag)) throw new UsageError(`unknown option ${arg} (npm run chaos -- --help)`);
    if (given.has(flag)) throw new UsageError(`${flag} given twice`);
    given.set(flag, eq > 0 ? arg.slice(eq + 1) : argv[++i]);
  }
  const out = given.get('--out');
  if (given.has('--out') && !out) throw new UsageError('--out needs a directory');
  const base = { ...(out ? { outDir: out } : {}), help };

  const file = given.get('--schedule');
  if (given.has('--schedule')) {
    if (!file) throw new UsageError('--schedule needs a file (the schedule.json of an earlier run)');
    const clash = SHAPING.filter((f) => given.has(f));
    if (clash.length > 0) throw new UsageError(`--schedule replays the options it was written with: drop ${clash.join(', ')}`);
    return { ...base, schedule: readSchedule(resolve(ctx.cwd ?? '.', file)), replayOf: file };
  }

  const backendRaw = given.get('--backend') ?? 'moto';
  if (backendRaw !== 'moto' && backendRaw !== 'embedded') throw new UsageError(`--backend is moto or embedded, got ${backendRaw}`);
  const backend: Backend = backendRaw;
  const servers = given.has('--servers') ? positive('servers', given.get('--servers'), true) : backend === 'embedded' ? 1 : 2;
  if (servers > 8) throw new UsageError('--servers is at most 8 on one machine');
  let kinds: FaultKind[] = [...BACKEND_FAULTS[backend]];
  if (given.has('--faults')) {
    const list = (given.get('--faults') ?? '').split(',').map((k) => k.trim());
    const unknown = list.filter((k) => !FAULT_KINDS.includes(k as FaultKind));
    if (list.length === 0 || unknown.length > 0)
      throw new UsageError(`--faults takes kinds from ${FAULT_KINDS.join(',')}, got ${given.get('--faults') ?? 'nothing'}`);
    kinds = [...new Set(list as FaultKind[])];
  }
  const refused = refusal(backend, servers, kinds);
  if (refused) throw new UsageError(refused);

  const minutes = given.has('--minutes') ? positive('minutes', given.get('--minutes'), false) : 5;
  if (minutes > 24 * 60) throw new UsageError('--minutes is at most a day');
  const seed = given.has('--seed') ? positive('seed', given.get('--seed'), true, 0) : seedSource();
  if (seed > 2 ** 32 - 1) throw new UsageError('--seed is at most 4294967295');
  const rooms = given.has('--rooms') ? positive('rooms', given.get('--rooms'), true) : 3;
  const clients = given.has('--clients') ? positive('clients', given.get('--clients'), true) : 8;
  const rate = given.has('--rate') ? positive('rate', given.get('--rate'), false) : 4;
  const drain = given.has('--drain') ? positive('drain', given.get('--drain'), false, 0) : 120;
  if (rooms > clients) throw new UsageError(`--rooms ${rooms} is more than --clients ${clients}: every room needs a member`);
  return {
    ...base,
    schedule: drawSchedule({
      seed,
      backend,
      servers,
      durationMs: Math.round(minutes * 60_000),
      drainMs: Math.round(drain * 1000),
      clients,
      rooms,
      rate,
      kinds,
    }),
  };
}

/** The command-line options that draw `s` again from its seed. */
export function seedArgs(s: Schedule): string[] {
  const all = s.kinds.length === BACKEND_FAULTS[s.backend].length;
  return [
    `--backend ${s.backend}`,
    `--servers ${s.servers}`,
    `--minutes ${s.durationMs / 60_000}`,
    `--clients ${s.clients}`,
    `--rooms ${s.rooms}`,
    `--rate ${s.rate}`,
    `--drain ${s.drainMs / 1000}`,
    ...(all ? [] : [`--faults ${s.kinds.join(',')}`]),
    `--seed ${s.seed}`,
  ];
}
