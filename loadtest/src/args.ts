/** Command-line options of `npm run loadtest`. */
import { SCENARIOS, type ScenarioName } from './plan';

export interface CliOptions {
  /** a deployed stack; when absent the harness starts a local server on loopback */
  target?: string;
  scenario: ScenarioName;
  users: number;
  rate: number;
  duration: number;
  backend: 'embedded' | 'moto';
  floor: boolean;
  senders: number;
  rooms: number;
  floodRate: number;
  /** ensure threshold on p99 of ack and e2e latency, ms */
  p99: number;
  outDir?: string;
  verbose: boolean;
  /**
   * moto backend: with 2 or more, also run one server with Redis (the adapter's cost) and N servers behind HAProxy
   * with Redis (scale-out), each against its own moto, in the same run.
   */
  servers: number;
  /** write a CPU profile of the local chat server into the report directory */
  profile: boolean;
  help: boolean;
}

/**
 * moto is one Python process emulating SQS and DynamoDB; every message is several requests to it, and its FIFO receive
 * scans the whole queue on each poll, so past a few dozen messages/s moto, not the server, sets the pace (a backlog
 * then slows every receive and the run collapses). moto runs default to a rate it keeps up with on two cores (the
 * latency scenario at 20 msg/s: p99 about 0.2 s) and a p99 limit with room for a busy machine. The embedded defaults
 * stay the real targets.
 */
export const MOTO_P99_MS = 1000;
export const MOTO_RATE = 20;

export const USAGE = `Usage: npm run loadtest -- [options]

  --target URL          chat server to test (http/https); default: start a local server on 127.0.0.1
  --scenario NAME       latency | fanout | rooms | flood (default latency)
  --users N             connected virtual users (default 100)
  --rate R              messages per second, all senders together (default 50; fanout 20; moto ${MOTO_RATE})
  --duration S          seconds of sending (default 60)
  --backend B           local server mode: embedded | moto (default embedded; not with --target)
  --floor / --no-floor  also measure the bare Socket.IO floor server, for ratios (default on)
  --senders N           fanout: how many users send (default 10)
  --rooms N             rooms: how many rooms (default 10)
  --servers N           with --backend moto: also 1 server with Redis, and N servers behind HAProxy + Redis (default 1)
  --flood-rate R        flood: messages/s of the flooding client (default 20)
  --p99 MS              fail when p99 of ack or e2e latency exceeds this (default 500; moto ${MOTO_P99_MS})
  --out DIR             report directory (default loadtest/reports)
  --profile             write a V8 CPU profile of the local chat server (report dir, profile/*.cpuprofile)
  --verbose             show Artillery's own output
`;

export class UsageError extends Error {}

const DEFAULTS: CliOptions = {
  scenario: 'latency',
  users: 100,
  rate: 50,
  duration: 60,
  backend: 'embedded',
  floor: true,
  senders: 10,
  rooms: 10,
  floodRate: 20,
  servers: 1,
  p99: 500,
  verbose: false,
  profile: false,
  help: false,
};

function positive(name: string, raw: string | undefined, integer: boolean): number {
  const n = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} needs a positive ${integer ? 'integer' : 'number'}, got ${raw ?? 'nothing'}`);
  }
  return n;
}

export function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = { ...DEFAULTS };
  let backendGiven = false;
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    given.add(flag);
    switch (flag) {
      case '--target': {
        const v = value();
        let url: URL;
        try {
          url = new URL(v ?? '');
        } catch {
          throw new UsageError(`--target needs an http(s) URL, got ${v ?? 'nothing'}`);
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--target needs an http(s) URL, got ${v}`);
        o.target = url.origin;
        break;
      }
      case '--scenario': {
        const v = value();
        if (!SCENARIOS.includes(v as ScenarioName))
          throw new UsageError(`--scenario is one of ${SCENARIOS.join(', ')}, got ${v ?? 'nothing'}`);
        o.scenario = v as ScenarioName;
        break;
      }
      case '--users':
        o.users = positive('users', value(), true);
        break;
      case '--rate':
        o.rate = positive('rate', value(), false);
        break;
      case '--duration':
        o.duration = positive('duration', value(), false);
        break;
      case '--backend': {
        const v = value();
        if (v !== 'embedded' && v !== 'moto') throw new UsageError(`--backend is embedded or moto, got ${v ?? 'nothing'}`);
        o.backend = v;
        backendGiven = true;
        break;
      }
      case '--floor':
        o.floor = true;
        break;
      case '--no-floor':
        o.floor = false;
        break;
      case '--senders':
        o.senders = positive('senders', value(), true);
        break;
      case '--rooms':
        o.rooms = positive('rooms', value(), true);
        break;
      case '--servers':
        o.servers = positive('servers', value(), true);
        if (o.servers > 8) throw new UsageError('--servers is at most 8 on one machine');
        break;
      case '--flood-rate':
        o.floodRate = positive('flood-rate', value(), false);
        break;
      case '--p99':
        o.p99 = positive('p99', value(), false);
        break;
      case '--out': {
        const v = value();
        if (!v) throw new UsageError('--out needs a directory');
        o.outDir = v;
        break;
      }
      case '--profile':
        o.profile = true;
        break;
      case '--verbose':
        o.verbose = true;
        break;
      case '--help':
      case '-h':
        o.help = true;
        break;
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  // Senders are few in fanout, so the default total rate is what they can send within the per-connection limit.
  if (o.scenario === 'fanout' && !given.has('--rate')) o.rate = 20;
  if (o.backend === 'moto' && !given.has('--p99')) o.p99 = MOTO_P99_MS;
  if (o.backend === 'moto' && !given.has('--rate')) o.rate = Math.min(o.rate, MOTO_RATE);
  if (o.target && o.profile) throw new UsageError('--profile profiles the local server; it cannot be combined with --target');
  if (o.servers > 1 && (o.target || o.backend !== 'moto'))
    throw new UsageError('--servers needs --backend moto (the servers share one SQS queue), not --target');
  if (o.servers > 1 && o.profile) throw new UsageError('--profile profiles one server; it cannot be combined with --servers');
  if (o.target && backendGiven) throw new UsageError('--backend starts a local server; it cannot be combined with --target');
  return o;
}

/** Messages per second each sending user emits (the server limits this per connection). */
export function perUserRate(o: Pick<CliOptions, 'scenario' | 'users' | 'rate' | 'senders'>): number {
  const senders = o.scenario === 'fanout' ? Math.min(o.users, o.senders) : o.users;
  return o.rate / senders;
}
