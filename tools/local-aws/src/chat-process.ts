import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitForPort } from './ports';
import { REPO_ROOT } from './venv';

/** The built server's command-line entry (`npm run build -w app/server`). */
export const CHAT_MAIN = path.join(REPO_ROOT, 'app/server/dist/main.js');

/** How a server process ended, and whether whoever ran it asked for that. */
export interface ChatExit {
  at: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** false: it died on its own (a crash, a failed start), not by `kill` or `stop`. */
  asked: boolean;
}

/**
 * One chat server as its own process (so SIGKILL is a real crash), on a fixed loopback port it keeps across restarts,
 * with its output appended to `logFile`. Killed when this process exits.
 */
export class ChatProcess {
  child: ChildProcess | undefined;
  readonly url: string;
  /** Every JSON log line it printed, across restarts. */
  readonly logs: Record<string, unknown>[] = [];
  /** Every exit, across restarts. */
  readonly exits: ChatExit[] = [];
  private out = '';
  private asked = false;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
    /** the script node runs: the built server, or a test's entry over it */
    private readonly entry = CHAT_MAIN,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Whether the process has ended (killed, crashed or stopped), or was never started. */
  get exited(): boolean {
    return !this.running;
  }

  /** Resolves once it listens on its port; rejects if it exits first or takes over a minute. */
  async start(): Promise<void> {
    if (!fs.existsSync(CHAT_MAIN)) throw new Error(`${CHAT_MAIN} is missing: npm run build -w app/server`);
    this.asked = false;
    const child = spawn(process.execPath, [this.entry], {
      env: { PATH: process.env['PATH'] ?? '', ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const log = fs.createWriteStream(this.logFile, { flags: 'a' });
    let partial = '';
    child.stdout.on('data', (d: Buffer) => {
      log.write(d);
      partial += d.toString();
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        try {
          this.logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not a log line
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      log.write(d);
      this.out = (this.out + d.toString()).slice(-2000);
    });
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', (code, signal) => {
      process.removeListener('exit', killOnExit);
      this.exits.push({ at: Date.now(), code, signal, asked: this.asked });
      log.end();
    });
    try {
      await waitForPort(this.port, 60_000, () => child.exitCode !== null || child.signalCode !== null);
    } catch (err) {
      throw new Error(`server ${this.name} did not start: ${(err as Error).message}\n${this.out}`, { cause: err });
    }
  }

  /** A crash: no graceful stop, no session saved, nothing flushed. */
  kill(): Promise<void> {
    return this.end('SIGKILL');
  }

  /** What systemd does: SIGTERM, the server's graceful stop (SIGKILL after `graceMs`). */
  stop(graceMs = 15_000): Promise<void> {
    return this.end('SIGTERM', graceMs);
  }

  /** Pause the process (SIGSTOP): it reads nothing meanwhile, while the kernel still buffers what peers send it. */
  freeze(): void {
    if (this.running) this.child!.kill('SIGSTOP');
  }

  /** Resume a frozen process (SIGCONT). */
  thaw(): void {
    if (this.running) this.child!.kill('SIGCONT');
  }

  /** Message ids this server stored (its debug log line per message). */
  stored(): string[] {
    return this.logs.filter((l) => l['msg'] === 'message delivered').map((l) => String(l['id']));
  }

  private async end(signal: NodeJS.Signals, graceMs?: number): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.asked = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const force = graceMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(force);
  }
}
