/**
 * `npm run socket-memory -w loadtest -- [--sockets N] [--backend embedded|moto]`: how much memory one idle connected
 * socket costs the server (and the bare Socket.IO floor), which is what decides how many users fit on an instance.
 * Each server runs in its own process with --expose-gc; its memory is read after a full collection with no socket,
 * then with N idle WebSocket clients connected (each in `global`, as a fresh browser tab is).
 */
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { io, type Socket } from 'socket.io-client';
import { SOCKET_PATH } from '@chat/protocol';
import { commandLine, runMain, task, UsageError, type CommandSpec } from '@chat/cli';
import { ensureVenv } from '@chat/local-aws';
import { chatEnv } from './cli';
import { startMotoBackend } from './moto';
import { markdownTable } from './summary';
import { startChildServer, type ChildServer } from './servers';

export interface SocketMemory {
  label: string;
  sockets: number;
  /** the server's RSS with no socket, bytes */
  baseRss: number;
  /** bytes per socket */
  rss: number;
  heapUsed: number;
  /** heap + external + array buffers: what the process holds for the sockets, wherever V8 keeps it */
  total: number;
}

const total = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external + m.arrayBuffers;

async function connectAll(url: string, n: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  // In batches, so the handshakes do not time out on a busy machine.
  for (let i = 0; i < n; i += 100) {
    const batch = Array.from({ length: Math.min(100, n - i) }, () =>
      io(url, { path: SOCKET_PATH, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 30_000 }),
    );
    await Promise.all(
      batch.map(
        (s) =>
          new Promise<void>((resolve, reject) => {
            s.once('connect', () => resolve());
            s.once('connect_error', reject);
          }),
      ),
    );
    sockets.push(...batch);
  }
  return sockets;
}

export async function measureSocketMemory(label: string, server: ChildServer, n: number): Promise<SocketMemory> {
  const before = await server.memory();
  const sockets = await connectAll(server.url, n);
  // Let the handshakes' short-lived buffers go before measuring.
  await new Promise((r) => setTimeout(r, 2000));
  const after = await server.memory();
  for (const s of sockets) s.disconnect();
  return {
    label,
    sockets: n,
    baseRss: before.rss,
    rss: (after.rss - before.rss) / n,
    heapUsed: (after.heapUsed - before.heapUsed) / n,
    total: (total(after) - total(before)) / n,
  };
}

export const SOCKET_MEMORY_COMMAND: CommandSpec = {
  command: 'npm run socket-memory --',
  summary:
    'How much memory one idle connected socket costs the chat server and the bare Socket.IO floor (each server in its own\n' +
    'process with --expose-gc, read after a full collection), which decides how many users fit on an instance.',
  options: [
    { flag: '--sockets', value: 'N', default: '2000', description: 'idle WebSocket clients to connect' },
    {
      flag: '--backend',
      value: 'B',
      default: 'embedded',
      description: 'the chat server: embedded | moto (creates .venv with moto the first time)',
    },
  ],
  settings: [{ name: 'CHAT_VENV', default: '.venv', description: 'Python environment with moto_server for --backend moto' }],
  examples: ['npm run socket-memory -- --sockets 2000', 'npm run socket-memory -- --backend moto'],
};

async function main(): Promise<void> {
  const options = commandLine(process.argv.slice(2), SOCKET_MEMORY_COMMAND);
  const n = Number(options['sockets'] ?? '2000');
  const backend = String(options['backend'] ?? 'embedded');
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--sockets needs a positive integer, got ${String(options['sockets'])}`);
  if (!['embedded', 'moto'].includes(backend)) throw new UsageError(`--backend is embedded or moto, got ${backend}`);
  if (backend === 'moto') ensureVenv('moto');
  const logDir = mkdtempSync(join(os.tmpdir(), 'socket-memory-'));
  const results: SocketMemory[] = [];
  const gc = ['--expose-gc'];
  await task(`floor: ${n} idle sockets`, async () => {
    const floor = await startChildServer('floor', {}, join(logDir, 'floor.log'), undefined, gc);
    try {
      results.push(await measureSocketMemory('floor', floor, n));
    } finally {
      await floor.stop();
    }
  });
  await task(`${backend}: ${n} idle sockets`, async () => {
    const moto = backend === 'moto' ? await startMotoBackend(join(logDir, 'moto.log')) : undefined;
    try {
      const chat = await startChildServer('chat', chatEnv(moto?.env ?? {}), join(logDir, 'chat.log'), undefined, gc);
      try {
        results.push(await measureSocketMemory(backend, chat, n));
      } finally {
        await chat.stop();
      }
    } finally {
      await moto?.stop();
    }
  });
  const kb = (b: number) => (b / 1024).toFixed(1);
  console.log(
    markdownTable(
      ['server', 'RSS with no socket MB', 'idle sockets', 'RSS KB/socket', 'heap KB/socket', 'heap+external KB/socket'],
      results.map((r) => [r.label, (r.baseRss / 2 ** 20).toFixed(0), String(r.sockets), kb(r.rss), kb(r.heapUsed), kb(r.total)]),
    ),
  );
  process.exit(0);
}

if (require.main === module) runMain(main);
