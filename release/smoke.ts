/**
 * Post-deploy smoke test through a public URL, speaking protocol v1 like any client:
 * join a room, send one text message, receive it back as `newMessage`, find it in `GET /history`.
 *
 * A deployment that requires sign-in (`/config.json`'s `auth.mode` is `signed-in`) admits nobody without a token,
 * so without one the smoke proves what it can as a stranger: the issuer it names answers discovery for itself, and
 * the socket and `/history` refuse it. With a token (`--token-file`, `SMOKE_TOKEN`) it does the round trip signed in.
 *
 *   node release/dist/smoke.js [<base-url>] [--room smoke] [--timeout 20000] [--token-file F]   (--help; the URL defaults to infra/outputs.json's API_URL)
 *
 * Exits 0 and prints a JSON line on success; exits 1 with the reason otherwise. It uses its own room so
 * that people in `global` never see deploy traffic.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { commandLine, readOutputs, type CommandSpec } from '@chat/cli';
import { io, type Socket } from 'socket.io-client';
import {
  SOCKET_PATH,
  chatMessageSchema,
  readWebConfig,
  type ChatMessage,
  type ClientToServerEvents,
  type HistoryResponse,
  type SendMessageInput,
  type ServerToClientEvents,
} from '@chat/protocol';

export interface SmokeOptions {
  room?: string;
  /** Budget for the whole run, in milliseconds. */
  timeoutMs?: number;
  /** Written into the message text, so a smoke message can be traced to its deploy. */
  label?: string;
  /** A signed-in deployment's ID token: sent in the handshake's `auth.token` and as `/history`'s bearer. */
  token?: string;
  log?: (line: string) => void;
}

export type AuthMode = 'open' | 'signed-in';

/** The round trip was made: a message went out, came back and is in history. */
export interface RoundTripResult {
  url: string;
  mode: AuthMode;
  roundTrip: 'done';
  room: string;
  id: string;
  seq: string;
  /** sendMessage emitted → own newMessage received. */
  roundTripMs: number;
}

/** Signed in without a token: the refusals and the issuer were checked, no message was sent. */
export interface SkippedResult {
  url: string;
  mode: 'signed-in';
  issuer: string;
  roundTrip: 'skipped';
  reason: string;
}

export type SmokeResult = RoundTripResult | SkippedResult;

export const NO_TOKEN_SKIP =
  'send/receive round trip skipped: the deployment requires sign-in and no token was given (--token-file or SMOKE_TOKEN)';

/** One line for a person: what the smoke proved. */
export function describeSmoke(result: SmokeResult): string {
  return result.roundTrip === 'done'
    ? `message ${result.id} came back in ${result.roundTripMs} ms and is in history (${result.mode})`
    : `signed-in deployment (issuer ${result.issuer}) refuses strangers; ${result.reason}`;
}

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Resolves `path` under the base URL, keeping a base path prefix such as `/api` if there is one. */
export function endpoint(baseUrl: string, path: string): URL {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  return new URL(`${prefix}${path}`, base.origin);
}

/** What `/config.json` says about sign-in, checked as the web app checks it: `open` when it has no `auth`. */
async function readAuth(baseUrl: string, remaining: () => number): Promise<{ mode: 'open' } | { mode: 'signed-in'; issuer: string }> {
  const res = await fetch(endpoint(baseUrl, '/config.json'), { signal: AbortSignal.timeout(remaining()) });
  if (!res.ok) throw new Error(`GET /config.json answered ${res.status}`);
  const parsed = readWebConfig(await res.json().catch(() => undefined));
  if (!parsed.ok) throw new Error(`/config.json: ${parsed.error.message}`);
  const auth = parsed.value.auth;
  if (auth?.mode !== 'signed-in') return { mode: 'open' };
  if (!auth.issuer || !URL.canParse(auth.issuer)) throw new Error(`/config.json: signed-in without a valid auth.issuer`);
  return { mode: 'signed-in', issuer: auth.issuer };
}

/** The issuer's discovery document answers and names the same issuer (tokens it signs would not verify otherwise). */
async function expectDiscovery(issuer: string, remaining: () => number): Promise<void> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const res = await fetch(url, { signal: AbortSignal.timeout(remaining()) });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  const doc = (await res.json().catch(() => undefined)) as { issuer?: unknown } | undefined;
  if (doc?.issuer !== issuer) throw new Error(`${url} names issuer ${JSON.stringify(doc?.issuer)}, /config.json names ${issuer}`);
}

function connect(baseUrl: string, remaining: () => number, token?: string): ChatSocket {
  return io(new URL(baseUrl).origin, {
    path: endpoint(baseUrl, SOCKET_PATH).pathname,
    reconnection: false,
    timeout: remaining(),
    forceNew: true,
    ...(token ? { auth: { token } } : {}),
  });
}

/** A handshake without a token must be refused with `unauthorized`, not let in, not fail some other way. */
async function expectSocketRefused(baseUrl: string, remaining: () => number): Promise<void> {
  const socket = connect(baseUrl, remaining);
  try {
    const code = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Socket.IO handshake without a token: no answer in time')), remaining());
      socket.once('connect', () => (clearTimeout(timer), reject(new Error('Socket.IO let a handshake without a token in'))));
      socket.once('connect_error', (err: Error & { data?: { code?: unknown } }) => {
        clearTimeout(timer);
        if (err.data?.code === undefined) reject(new Error(`Socket.IO connect failed: ${err.message}`));
        else resolve(String(err.data.code));
      });
    });
    if (code !== 'unauthorized') throw new Error(`Socket.IO refused a handshake without a token with ${code}, not unauthorized`);
  } finally {
    socket.disconnect();
  }
}

async function expectHistoryRefused(baseUrl: string, room: string, remaining: () => number): Promise<void> {
  const url = endpoint(baseUrl, '/history');
  url.searchParams.set('room', room);
  const res = await fetch(url, { signal: AbortSignal.timeout(remaining()) });
  if (res.status !== 401) throw new Error(`GET /history without a token answered ${res.status}, not 401`);
}

export async function runSmoke(baseUrl: string, options: SmokeOptions = {}): Promise<SmokeResult> {
  const room = options.room ?? 'smoke';
  const timeoutMs = options.timeoutMs ?? 20_000;
  const log = options.log ?? (() => {});
  const deadline = Date.now() + timeoutMs;
  const remaining = (): number => Math.max(1, deadline - Date.now());

  const health = await fetch(endpoint(baseUrl, '/healthz'), { signal: AbortSignal.timeout(remaining()) });
  if (!health.ok) throw new Error(`GET /healthz answered ${health.status}`);
  log(`healthz ok`);

  const auth = await readAuth(baseUrl, remaining);
  log(`config.json: ${auth.mode}${auth.mode === 'signed-in' ? ` with issuer ${auth.issuer}` : ''}`);
  if (auth.mode === 'signed-in') {
    await expectDiscovery(auth.issuer, remaining);
    log(`issuer's discovery document names ${auth.issuer}`);
    await expectSocketRefused(baseUrl, remaining);
    log(`socket without a token refused: unauthorized`);
    await expectHistoryRefused(baseUrl, room, remaining);
    log(`/history without a token: 401`);
    if (!options.token) {
      log(NO_TOKEN_SKIP);
      return { url: baseUrl, mode: auth.mode, issuer: auth.issuer, roundTrip: 'skipped', reason: NO_TOKEN_SKIP };
    }
  }

  const socket = connect(baseUrl, remaining, options.token);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Socket.IO connection timed out')), remaining());
      socket.once('connect', () => (clearTimeout(timer), resolve()));
      socket.once('connect_error', (err: Error & { data?: { code?: unknown } }) => {
        clearTimeout(timer);
        const code = err.data?.code === undefined ? '' : ` (${String(err.data.code)})`;
        reject(new Error(`Socket.IO connect failed: ${err.message}${code}`));
      });
    });
    log(`connected (${socket.io.engine.transport.name})${options.token ? ' signed in' : ''}`);

    const joined = await socket.timeout(remaining()).emitWithAck('join', room);
    if (!joined.ok) throw new Error(`join ${room} refused: ${joined.error.code} ${joined.error.message}`);

    const id = `smoke-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
    const text = `smoke test ${options.label ?? ''} ${new Date().toISOString()}`.replace(/\s+/g, ' ').trim();
    const message: SendMessageInput = { id, room, author: 'deploy-smoke', text };

    const received = new Promise<ChatMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no newMessage for ${id} within ${timeoutMs} ms`)), remaining());
      const onMessage = (m: ChatMessage): void => {
        if (m?.id !== id) return;
        clearTimeout(timer);
        socket.off('newMessage', onMessage);
        resolve(m);
      };
      socket.on('newMessage', onMessage);
      socket.once('disconnect', (reason) => (clearTimeout(timer), reject(new Error(`disconnected: ${reason}`))));
    });
    const sentAt = performance.now();
    const ack = await socket.timeout(remaining()).emitWithAck('sendMessage', message);
    if (!ack.ok) throw new Error(`sendMessage refused: ${ack.error.code} ${ack.error.message}`);
    const echoed = chatMessageSchema.parse(await received);
    const roundTripMs = Math.round(performance.now() - sentAt);
    if (echoed.text !== text || echoed.room !== room || echoed.seq !== ack.seq) {
      throw new Error(`newMessage does not match what was sent: ${JSON.stringify(echoed)} (ack seq ${ack.seq})`);
    }
    log(`newMessage ${id} seq ${ack.seq} in ${roundTripMs} ms`);

    await expectInHistory(baseUrl, room, echoed, remaining, options.token);
    log(`history has ${id}`);
    return { url: baseUrl, mode: auth.mode, roundTrip: 'done', room, id, seq: ack.seq, roundTripMs };
  } finally {
    socket.disconnect();
  }
}

async function expectInHistory(
  baseUrl: string,
  room: string,
  sent: ChatMessage,
  remaining: () => number,
  token: string | undefined,
): Promise<void> {
  const url = endpoint(baseUrl, '/history');
  url.searchParams.set('room', room);
  url.searchParams.set('limit', '50');
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  // The ack means stored; a read replica of the store may still take a moment to show it.
  for (;;) {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(remaining()) });
    if (!res.ok) throw new Error(`GET /history answered ${res.status}`);
    const body = (await res.json()) as HistoryResponse;
    const found = body.messages.find((m) => m.id === sent.id);
    if (found) {
      if (found.seq !== sent.seq || found.text !== sent.text) {
        throw new Error(`history has ${sent.id} with different content: ${JSON.stringify(found)}`);
      }
      return;
    }
    if (remaining() <= 500) throw new Error(`GET /history?room=${room} does not have ${sent.id}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** fetch() reports "fetch failed" and hides the reason (refused, DNS, TLS) in `cause`. */
function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: string; message?: string } | undefined;
  return cause ? `${err.message} (${cause.code ?? cause.message})` : err.message;
}

export const SMOKE_COMMAND: CommandSpec = {
  command: 'node release/dist/smoke.js',
  summary:
    'Sends one message through the public URL in room smoke, expects it back as newMessage and finds it in /history.\n' +
    "If /config.json says signed-in: checks the issuer's discovery and that a socket and /history without a token are\n" +
    'refused; the round trip then needs a token (--token-file, or SMOKE_TOKEN), and is skipped, saying so, without one.\n' +
    'Prints a JSON line and exits 0, or one line with the reason and exits 1.',
  arguments: [{ name: 'URL', default: "infra/outputs.json's API_URL", description: 'the API origin' }],
  options: [
    { flag: '--room', value: 'NAME', default: 'smoke', description: 'the room it uses' },
    { flag: '--timeout', value: 'MS', default: '20000', description: 'budget for the whole run' },
    { flag: '--label', value: 'TEXT', description: 'written into the message, to trace it to its deploy' },
    { flag: '--token-file', value: 'FILE', description: "a file holding an ID token, for a signed-in deployment's round trip" },
  ],
  settings: [{ name: 'SMOKE_TOKEN', description: 'the ID token itself, when no --token-file is given' }],
};

/**
 * The token for a signed-in round trip: the file's content, else SMOKE_TOKEN, else none. Never a command-line value:
 * that would show in process lists and CI logs.
 */
export function smokeToken(tokenFile?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (tokenFile !== undefined) {
    const token = readFileSync(tokenFile, 'utf8').trim();
    if (!token) throw new Error(`--token-file ${tokenFile} is empty`);
    return token;
  }
  return env['SMOKE_TOKEN']?.trim() || undefined;
}

function parseArgs(argv: string[]): { url: string; options: SmokeOptions } {
  const values = commandLine(argv, SMOKE_COMMAND);
  const options: SmokeOptions = {};
  if (typeof values['room'] === 'string') options.room = values['room'];
  if (typeof values['timeout'] === 'string') options.timeoutMs = Number(values['timeout']);
  if (typeof values['label'] === 'string') options.label = values['label'];
  const token = smokeToken(typeof values['token-file'] === 'string' ? values['token-file'] : undefined);
  if (token) options.token = token;
  // After `npm run deploy`, the URL it printed is in the outputs file.
  const url = values._[0] ?? readOutputs()['API_URL'];
  if (!url) throw new Error('no URL given and no API_URL in infra/outputs.json: node release/dist/smoke.js <api-url>');
  new URL(url); // fail on a malformed URL before any network work
  return { url, options };
}

if (require.main === module) {
  void (async () => {
    try {
      const { url, options } = parseArgs(process.argv.slice(2));
      const result = await runSmoke(url, { ...options, log: (line) => console.error(`smoke: ${line}`) });
      console.log(JSON.stringify(result));
    } catch (err) {
      console.error(`smoke: FAILED: ${reason(err)}`);
      process.exitCode = 1;
    }
  })();
}
