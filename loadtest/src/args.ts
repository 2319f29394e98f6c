/** Command-line options of `npm run loadtest`. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatUsage, parseCommand, UsageError, type CommandSpec } from '@chat/cli';
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
  /** a signed-in target: a file of ID tokens, one per line, handed to the users in turn (absolute path) */
  tokenFile?: string;
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

/** The command's options and settings: its --help text and its parser (loadtest/README.md's table is checked against them). */
export const LOADTEST_COMMAND: CommandSpec = {
  command: 'npm run loadtest --',
  summary:
    'Runs one Artillery scenario against the bare Socket.IO floor server and the chat (a local server on 127.0.0.1, or --target),\n' +
    'then prints and writes the latency report (loadtest/reports/<time>-<scenario>/). Exit 1 when a message was lost,\n' +
    'duplicated or reordered, or a threshold failed.',
  options: [
    { flag: '--target', value: 'URL', description: 'chat server to test (http/https); default: start a local server on 127.0.0.1' },
    { flag: '--scenario', value: 'NAME', default: 'latency', description: 'latency | fanout | rooms | flood' },
    { flag: '--users', value: 'N', default: '100', description: 'connected virtual users' },
    { flag: '--rate', value: 'R', default: `50; fanout 20; moto ${MOTO_RATE}`, description: 'messages per second, all senders together' },
    { flag: '--duration', value: 'S', default: '60', description: 'seconds of sending' },
    {
      flag: '--backend',
      value: 'B',
      default: 'embedded',
      description: 'local server mode: embedded | moto (creates .venv with moto the first time; not with --target)',
    },
    { flag: '--floor', negatable: true, default: 'on', description: 'also measure the bare Socket.IO floor server, for ratios' },
    { flag: '--senders', value: 'N', default: '10', description: 'fanout: how many users send' },
    { flag: '--rooms', value: 'N', default: '10', description: 'rooms: how many rooms' },
    {
      flag: '--servers',
      value: 'N',
      default: '1',
      description: 'with --backend moto: also 1 server with Redis, and N servers behind HAProxy + Redis',
    },
    { flag: '--flood-rate', value: 'R', default: '20', description: 'flood: messages/s of the flooding client' },
    { flag: '--p99', value: 'MS', default: `500; moto ${MOTO_P99_MS}`, description: 'fail when p99 of ack or e2e latency exceeds this' },
    {
      flag: '--token-file',
      value: 'FILE',
      description: 'signed-in --target: ID tokens, one per line, handed to the users in turn (sent as the handshake auth.token)',
    },
    { flag: '--out', value: 'DIR', default: 'loadtest/reports', description: 'report directory' },
    { flag: '--profile', description: 'write a V8 CPU profile of the local chat server (report dir, profile/*.cpuprofile)' },
    { flag: '--verbose', description: "show Artillery's own output, and stack traces" },
  ],
  settings: [
    { name: 'CHAT_VENV', default: '.venv', description: 'Python environment with moto_server for --backend moto' },
    {
      name: 'LOADTEST_SERVER_LOG_LEVEL',
      default: 'warn',
      description: "the local chat servers' LOG_LEVEL (their logs are in the report dir)",
    },
    { name: 'CHROMIUM_PATH', default: '/usr/bin/chromium', description: 'the browser that renders report.png' },
  ],
  examples: [
    'npm run loadtest',
    'npm run loadtest -- --backend moto --users 10 --rate 5 --duration 10',
    'npm run loadtest -- --target https://chat.example.com --scenario fanout',
  ],
};

export const USAGE = formatUsage(LOADTEST_COMMAND);

export { UsageError };

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
  const { help, values } = parseCommand(argv, LOADTEST_COMMAND);
  const o: CliOptions = { ...DEFAULTS, help };
  const given = (name: string) => name in values;
  const text = (name: string) => values[name] as string;
  if (given('target')) {
    const v = text('target');
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      throw new UsageError(`--target needs an http(s) URL, got ${v}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--target needs an http(s) URL, got ${v}`);
    o.target = url.origin;
  }
  if (given('scenario')) {
    if (!SCENARIOS.includes(text('scenario') as ScenarioName))
      throw new UsageError(`--scenario is one of ${SCENARIOS.join(', ')}, got ${text('scenario')}`);
    o.scenario = text('scenario') as ScenarioName;
  }
  if (given('users')) o.users = positive('users', text('users'), true);
  if (given('rate')) o.rate = positive('rate', text('rate'), false);
  if (given('duration')) o.duration = positive('duration', text('duration'), false);
  if (given('backend')) {
    if (text('backend') !== 'embedded' && text('backend') !== 'moto')
      throw new UsageError(`--backend is embedded or moto, got ${text('backend')}`);
    o.backend = text('backend') as CliOptions['backend'];
  }
  if (given('floor')) o.floor = values['floor'] === true;
  if (given('senders')) o.senders = positive('senders', text('senders'), true);
  if (given('rooms')) o.rooms = positive('rooms', text('rooms'), true);
  if (given('servers')) {
    o.servers = positive('servers', text('servers'), true);
    if (o.servers > 8) throw new UsageError('--servers is at most 8 on one machine');
  }
  if (given('flood-rate')) o.floodRate = positive('flood-rate', text('flood-rate'), false);
  if (given('p99')) o.p99 = positive('p99', text('p99'), false);
  if (given('out')) {
    if (!text('out')) throw new UsageError('--out needs a directory');
    o.outDir = text('out');
  }
  if (given('token-file')) o.tokenFile = readTokenFile(text('token-file'));
  o.profile = values['profile'] === true;
  o.verbose = values['verbose'] === true;
  // Senders are few in fanout, so the default total rate is what they can send within the per-connection limit.
  if (o.scenario === 'fanout' && !given('rate')) o.rate = 20;
  if (o.backend === 'moto' && !given('p99')) o.p99 = MOTO_P99_MS;
  if (o.backend === 'moto' && !given('rate')) o.rate = Math.min(o.rate, MOTO_RATE);
  if (o.target && o.profile) throw new UsageError('--profile profiles the local server; it cannot be combined with --target');
  if (o.servers > 1 && (o.target || o.backend !== 'moto'))
    throw new UsageError('--servers needs --backend moto (the servers share one SQS queue), not --target');
  if (o.servers > 1 && o.profile) throw new UsageError('--profile profiles one server; it cannot be combined with --servers');
  if (o.tokenFile && !o.target) throw new UsageError('--token-file signs in to a --target; the local server runs open');
  if (o.target && given('backend')) throw new UsageError('--backend starts a local server; it cannot be combined with --target');
  return o;
}

/** The token file as an absolute path, once it is known to hold at least one token and nothing else. */
function readTokenFile(file: string): string {
  if (!file) throw new UsageError('--token-file needs a file');
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--token-file: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new UsageError(`--token-file: ${file} holds no token`);
  const bad = lines.findIndex((l) => !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(l.trim()));
  if (bad >= 0) throw new UsageError(`--token-file: line ${bad + 1} of ${file} is not a JWT (one token per line)`);
  return path;
}

/** Messages per second each sending user emits (the server limits this per connection). */
export function perUserRate(o: Pick<CliOptions, 'scenario' | 'users' | 'rate' | 'senders'>): number {
  const senders = o.scenario === 'fanout' ? Math.min(o.users, o.senders) : o.users;
  return o.rate / senders;
}
