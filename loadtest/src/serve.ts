/**
 * Child-process entry that runs the server under test (`chat`: @chat/server's startServer with this process's
 * env; `floor`: the bare broadcast server), so its CPU time is its own and not Artillery's.
 * Protocol with the parent (IPC): → {type:'ready', url}; ← 'stop' (or parent gone) → {type:'stopped', cpuMs}.
 */
import { startServer } from '@chat/server';
import { startFloorServer, type RunningServer } from './floor-server';

export type ServeMessage = { type: 'ready'; url: string } | { type: 'stopped'; cpuMs: number } | { type: 'failed'; error: string };

async function start(kind: string): Promise<RunningServer> {
  if (kind === 'floor') return startFloorServer({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  if (kind === 'chat') {
    return startServer({ ...process.env });
  }
  throw new Error(`unknown server kind: ${kind}`);
}

async function main(): Promise<void> {
  const send = (m: ServeMessage) => {
    if (process.connected) process.send?.(m);
  };
  const cpuStart = process.cpuUsage();
  let server: RunningServer;
  try {
    server = await start(process.argv[2] ?? '');
  } catch (err) {
    send({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const cpu = process.cpuUsage(cpuStart);
    await Promise.race([server.close(), new Promise((r) => setTimeout(r, 5000))]);
    send({ type: 'stopped', cpuMs: (cpu.user + cpu.system) / 1000 });
    process.exit(0);
  };
  process.on('message', (m) => {
    if (m === 'stop') void stop();
  });
  // Never outlive the harness: a killed parent closes the IPC channel.
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  send({ type: 'ready', url: server.url });
  // Run by hand (`npm run floor -w loadtest`): say where it listens.
  if (!process.send) console.log(`${process.argv[2]} server at ${server.url} (Ctrl-C stops it)`);
}

void main();
