/** Servers under test, each in its own child process (see serve.ts), stopped by the harness whatever happens. */
import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { DIST_DIR } from './paths';
import type { ServeMessage } from './serve';

export interface ChildServer {
  url: string;
  /** Stops the server; resolves to the CPU time (ms) it used since it was ready, when it could tell. */
  stop(): Promise<number | undefined>;
  /** The server's CPU time since ready, sampled as it ran (see cpuBetween). */
  cpuSamples: CpuSample[];
  /** The server's memory after a full GC (needs `execArgv: ['--expose-gc']`, else it includes garbage). */
  memory(): Promise<NodeJS.MemoryUsage>;
}

export interface CpuSample {
  /** wall clock, ms */
  at: number;
  cpuMs: number;
}

/**
 * CPU ms a server used between two wall-clock times, interpolated between samples: the send window alone, without
 * the connect ramp, the drain or Artillery's own start-up, which would otherwise dilute (or pad) the share.
 */
export function cpuBetween(samples: CpuSample[], from: number, to: number): number | undefined {
  if (samples.length < 2 || from < samples[0]!.at || to > samples.at(-1)!.at || to <= from) return undefined;
  const at = (t: number) => {
    let i = 1;
    while (samples[i]!.at < t) i++;
    const a = samples[i - 1]!;
    const b = samples[i]!;
    return b.at === a.at ? b.cpuMs : a.cpuMs + ((b.cpuMs - a.cpuMs) * (t - a.at)) / (b.at - a.at);
  };
  return at(to) - at(from);
}

const STARTUP_TIMEOUT_MS = 60_000;

/** `profileDir`: write a V8 CPU profile of the server there (open it in Chrome DevTools or speedscope). */
export function startChildServer(
  kind: 'chat' | 'floor',
  env: Record<string, string | undefined>,
  logFile: string,
  profileDir?: string,
  execArgv: string[] = [],
): Promise<ChildServer> {
  const log = createWriteStream(logFile);
  const child: ChildProcess = fork(join(DIST_DIR, 'serve.js'), [kind], {
    execArgv: [...execArgv, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    env: { ...env, PORT: env.PORT ?? '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  // A harness that dies by a signal or an exception must not leave a server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let cpuMs: number | undefined;
  const cpuSamples: CpuSample[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (m: ServeMessage) => {
    if (m.type === 'stopped') cpuMs = m.cpuMs;
    if (m.type === 'cpu') cpuSamples.push({ at: m.at, cpuMs: m.cpuMs });
  });

  return new Promise<ChildServer>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`${kind} server did not start within ${STARTUP_TIMEOUT_MS / 1000} s (log: ${logFile})`)),
      STARTUP_TIMEOUT_MS,
    );
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      process.removeListener('exit', killOnExit);
      reject(err);
    };
    let ready = false;
    child.once('exit', (code) => {
      process.removeListener('exit', killOnExit);
      if (!ready) fail(new Error(`${kind} server exited (code ${code}) before it was ready (log: ${logFile})`));
    });
    child.on('message', (m: ServeMessage) => {
      if (m.type === 'failed') fail(new Error(`${kind} server failed to start: ${m.error}`));
      if (m.type !== 'ready') return;
      ready = true;
      clearTimeout(timer);
      resolve({
        url: m.url,
        cpuSamples,
        memory: () =>
          new Promise<NodeJS.MemoryUsage>((resolveMemory) => {
            const onMemory = (r: ServeMessage) => {
              if (r.type !== 'memory') return;
              child.off('message', onMemory);
              resolveMemory(r.memory);
            };
            child.on('message', onMemory);
            child.send('memory');
          }),
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) {
            child.send('stop');
            const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
            await exited;
            clearTimeout(force);
          }
          return cpuMs;
        },
      });
    });
  });
}
