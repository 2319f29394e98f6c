/**
 * Post-deploy smoke test through a public URL, speaking protocol v1 like any client:
 * join a room, send one text message, receive it back as `newMessage`, find it in `GET /history`.
 *
 *   node release/dist/smoke.js [<base-url>] [--room smoke] [--timeout 20000]   (--help; the URL defaults to infra/outputs.json's API_URL)
 *
 * Exits 0 and prints a JSON line on success; exits 1 with the reason otherwise. It uses its own room so
 * that people in `global` never see deploy traffic.
 */
import { randomBytes } from 'node:crypto';
import { commandLine, readOutputs, type CommandSpec } from '@chat/cli';
import { io, type Socket } from 'socket.io-client';
import {
  SOCKET_PATH,
  chatMessageSchema,
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
  log?: (line: string) => void;
}

export interface SmokeResult {
  url: string;
  room: string;
  id: string;
  seq: string;
  /** sendMessage emitted → own newMessage received. */
  roundTripMs: number;
}

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Resolves `path` under the base URL, keeping a base path prefix such as `/api` if there is one. */
export function endpoint(baseUrl: string, path: string): URL {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  return new URL(`${prefix}${path}`, base.origin);
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

  const base = new URL(baseUrl);
  const socket: ChatSocket = io(base.origin, {
    path: endpoint(baseUrl, SOCKET_PATH).pathname,
    reconnection: false,
    timeout: remaining(),
    forceNew: true,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Socket.IO connection timed out')), remaining());
      socket.once('connect', () => (clearTimeout(timer), resolve()));
      socket.once('connect_error', (err) => (clearTimeout(timer), reject(new Error(`Socket.IO connect failed: ${err.message}`))));
    });
    log(`connected (${socket.io.engine.transport.name})`);

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

    await expectInHistory(baseUrl, room, echoed, remaining);
    log(`history has ${id}`);
    return { url: baseUrl, room, id, seq: ack.seq, roundTripMs };
  } finally {
    socket.disconnect();
  }
}

async function expectInHistory(baseUrl: string, room: string, sent: ChatMessage, remaining: () => number): Promise<void> {
  const url = endpoint(baseUrl, '/history');
  url.searchParams.set('room', room);
  url.searchParams.set('limit', '50');
  // The ack means stored; a read replica of the store may still take a moment to show it.
  for (;;) {
    const res = await fetch(url, { signal: AbortSignal.timeout(remaining()) });
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
    'Prints a JSON line and exits 0, or one line with the reason and exits 1.',
  arguments: [{ name: 'URL', default: "infra/outputs.json's API_URL", description: 'the API origin' }],
  options: [
    { flag: '--room', value: 'NAME', default: 'smoke', description: 'the room it uses' },
    { flag: '--timeout', value: 'MS', default: '20000', description: 'budget for the whole run' },
    { flag: '--label', value: 'TEXT', description: 'written into the message, to trace it to its deploy' },
  ],
};

function parseArgs(argv: string[]): { url: string; options: SmokeOptions } {
  const values = commandLine(argv, SMOKE_COMMAND);
  const options: SmokeOptions = {};
  if (typeof values['room'] === 'string') options.room = values['room'];
  if (typeof values['timeout'] === 'string') options.timeoutMs = Number(values['timeout']);
  if (typeof values['label'] === 'string') options.label = values['label'];
  // After `npm run deploy`, the URL it printed is in the outputs file.
  const url = values._[0] ?? readOutputs()['API_URL'];
  if (!url) throw new Error('no URL given and no API_URL in infra/outputs.json: node release/dist/smoke.js <api-url>');
  new URL(url); // fail on a malformed URL before any network work
  return { url, options };
}

if (require.main === module) {
  (async () => {
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
