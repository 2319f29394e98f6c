/**
 * Child-process entry that runs the server under test (`chat`: @chat/server's startServer with this process's
 * env; `floor`: the bare broadcast server), so its CPU time is its own and not Artillery's.
 * Protocol with the parent (IPC): → {type:'ready', url}; → {type:'cpu', at, cpuMs} every CPU_SAMPLE_MS; ← 'stop' (or
 * parent gone) → {type:'stopped', cpuMs}. CPU counts from 'ready': start-up (loading the AWS SDK, opening the store)
 * is not a cost per message, and the samples let the harness take the CPU of the send window alone.
 */
import { startServer } from '@chat/server';
import { startFloorServer, type RunningServer } from './floor-server';

export type ServeMessage =
  | { type: 'ready'; url: string }
  | { type: 'cpu'; at: number; cpuMs: number }
  | { type: 'stopped'; cpuMs: number }
  | { type: 'memory'; memory: NodeJS.MemoryUsage }
  | { type: 'failed'; error: string };

/** Often enough to place the send window within a few % of a 30 s run; rare enough to cost nothing measurable. */
const CPU_SAMPLE_MS = 250;

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
  let server: RunningServer;
  try {
    server = await start(process.argv[2] ?? '');
  } catch (err) {
    send({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  }
  const cpuStart = process.cpuUsage();
  const cpuMs = () => {
    const cpu = process.cpuUsage(cpuStart);
    return (cpu.user + cpu.system) / 1000;
  };
  const sampler = setInterval(() => send({ type: 'cpu', at: Date.now(), cpuMs: cpuMs() }), CPU_SAMPLE_MS);
  sampler.unref();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(sampler);
    const used = cpuMs();
    await Promise.race([server.close(), new Promise((r) => setTimeout(r, 5000))]);
    send({ type: 'stopped', cpuMs: used });
    process.exit(0);
  };
  process.on('message', (m) => {
    if (m === 'stop') void stop();
    // socket-memory.ts: memory after a full collection (the child runs with --expose-gc), so garbage is not counted.
    if (m === 'memory') {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      send({ type: 'memory', memory: process.memoryUsage() });
    }
  });
  // Never outlive the harness: a killed parent closes the IPC channel.
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  send({ type: 'ready', url: server.url });
  send({ type: 'cpu', at: Date.now(), cpuMs: 0 });
  // Run by hand (`npm run floor -w loadtest`): say where it listens.
  if (!process.send) console.log(`${process.argv[2]} server at ${server.url} (Ctrl-C stops it)`);
}

void main();
