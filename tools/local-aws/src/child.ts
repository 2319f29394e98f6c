import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/** A loopback daemon run in the foreground as a child: its output's tail for errors, killed when this process exits. */
export interface Daemon {
  child: ChildProcess;
  /** The last ~2000 characters it printed. */
  tail(): string;
  /** SIGTERM (SIGKILL after 5 s), resolved once it has exited. */
  stop(): Promise<void>;
}

export function spawnDaemon(command: string, args: string[], logFile?: string): Daemon {
  return adoptDaemon(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }), logFile);
}

/** The same for a child already spawned (with piped stdout/stderr). */
export function adoptDaemon(child: ChildProcess, logFile?: string): Daemon {
  let tail = '';
  const log = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (d: Buffer) => {
      log?.write(d);
      tail = (tail + d.toString()).slice(-2000);
    });
  }
  child.on('error', (err) => {
    tail += `\n${err.message}`;
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  return {
    child,
    tail: () => tail,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(force);
      }
      log?.end();
    },
  };
}

/** The path of a Debian tool, or a clear error saying which package to install. */
export function systemTool(name: string, pkg: string, dirs = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']): string {
  const fromPath = (process.env['PATH'] ?? '').split(':').filter(Boolean);
  const found = [...fromPath, ...dirs].map((d) => `${d}/${name}`).find((p) => fs.existsSync(p));
  if (!found) throw new Error(`${name} not found: install Debian's ${pkg} (apt-get install -y ${pkg}; .ci/run does this)`);
  return found;
}
