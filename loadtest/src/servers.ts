/** Servers under test, each in its own child process (see serve.ts), stopped by the harness whatever happens. */
import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { DIST_DIR } from './paths';
import type { ServeMessage } from './serve';

export interface ChildServer {
  url: string;
  /** Stops the server; resolves to the CPU time (ms) it used, when it could tell. */
  stop(): Promise<number | undefined>;
}

const STARTUP_TIMEOUT_MS = 60_000;

/** `profileDir`: write a V8 CPU profile of the server there (open it in Chrome DevTools or speedscope). */
export function startChildServer(kind: 'chat' | 'floor', env: Record<string, string | undefined>, logFile: string, profileDir?: string): Promise<ChildServer> {
  const log = createWriteStream(logFile);
  const child: ChildProcess = fork(join(DIST_DIR, 'serve.js'), [kind], {
    execArgv: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    env: { ...env, PORT: env.PORT ?? '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  // A harness that dies by a signal or an exception must not leave a server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let cpuMs: number | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (m: ServeMessage) => {
    if (m.type === 'stopped') cpuMs = m.cpuMs;
  });

  return new Promise<ChildServer>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${kind} server did not start within ${STARTUP_TIMEOUT_MS / 1000} s (log: ${logFile})`)), STARTUP_TIMEOUT_MS);
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
