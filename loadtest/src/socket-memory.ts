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

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string, def: string) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1]! : def;
  };
  const n = Number(opt('--sockets', '2000'));
  const backend = opt('--backend', 'embedded');
  if (!Number.isInteger(n) || n < 1 || !['embedded', 'moto'].includes(backend)) {
    console.error('usage: npm run socket-memory -w loadtest -- [--sockets N] [--backend embedded|moto]');
    process.exit(2);
  }
  const logDir = mkdtempSync(join(os.tmpdir(), 'socket-memory-'));
  const results: SocketMemory[] = [];
  const gc = ['--expose-gc'];
  const floor = await startChildServer('floor', {}, join(logDir, 'floor.log'), undefined, gc);
  try {
    results.push(await measureSocketMemory('floor', floor, n));
  } finally {
    await floor.stop();
  }
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
  const kb = (b: number) => (b / 1024).toFixed(1);
  console.log(
    markdownTable(
      ['server', 'RSS with no socket MB', 'idle sockets', 'RSS KB/socket', 'heap KB/socket', 'heap+external KB/socket'],
      results.map((r) => [r.label, (r.baseRss / 2 ** 20).toFixed(0), String(r.sockets), kb(r.rss), kb(r.heapUsed), kb(r.total)]),
    ),
  );
  process.exit(0);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
