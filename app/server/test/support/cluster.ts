import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createChatResources,
  freePort,
  startHaproxy,
  startMoto,
  startRedis,
  waitForPort,
  type LoadBalancer,
  type Moto,
  type Redis,
} from '@chat/local-aws';
// Not through ../../src: the servers run as their own processes, and the test needs only the table's shape.
import { chatResourceShape } from '../../src';

const MAIN = path.resolve(__dirname, '../../dist/main.js');
/** A test entry over the built server that SIGKILLs itself right after storing the message CRASH_AFTER_STORING names. */
export const CRASH_AFTER_STORE = path.resolve(__dirname, 'crash-after-store.mts');

/** One chat server as its own process (so SIGKILL is a real crash), on a fixed loopback port it keeps across restarts. */
export class ServerProcess {
  child: ChildProcess | undefined;
  readonly url: string;
  /** Every JSON log line it printed, across restarts. */
  readonly logs: Record<string, unknown>[] = [];
  private out = '';

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
    private readonly entry = MAIN,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: npm run build -w app/server`);
    const child = spawn(process.execPath, [this.entry], {
      env: { PATH: process.env['PATH'] ?? '', ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const log = fs.createWriteStream(this.logFile, { flags: 'a' });
    let partial = '';
    child.stdout!.on('data', (d: Buffer) => {
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
    child.stderr!.on('data', (d: Buffer) => {
      log.write(d);
      this.out = (this.out + d.toString()).slice(-2000);
    });
    child.once('exit', () => log.end());
    try {
      await waitForPort(this.port, 60_000, () => this.exited);
    } catch (err) {
      throw new Error(`server ${this.name} did not start: ${(err as Error).message}\n${this.out}`);
    }
  }

  /** Whether the process has ended (killed, crashed or stopped). */
  get exited(): boolean {
    return !this.child || this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** A crash: no graceful stop, no session saved, nothing flushed. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(force);
  }

  /** Message ids this server stored (its debug log line per message). */
  stored(): string[] {
    return this.logs.filter((l) => l['msg'] === 'message delivered').map((l) => String(l['id']));
  }
}

/**
 * Scale-out on loopback, for real: moto (SQS, DynamoDB, S3), Debian's redis-server, two chat servers as child
 * processes on one queue with REDIS_URL, and HAProxy in front of them.
 */
export class Cluster {
  moto!: Moto;
  redis!: Redis;
  lb!: LoadBalancer;
  servers: ServerProcess[] = [];
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-cluster-'));

  /** `entry`: the script the servers run (default dist/main.js), e.g. CRASH_AFTER_STORE. */
  async start(opts: { servers?: number; env?: Record<string, string>; entry?: string } = {}): Promise<void> {
    this.moto = await startMoto({ logFile: path.join(this.dir, 'moto.log'), atomicDynamo: true });
    this.redis = await startRedis({ logFile: path.join(this.dir, 'redis.log') });
    const resources = await createChatResources(this.moto.endpoint, `cluster-${process.pid}-${Date.now()}`, chatResourceShape);
    const env: Record<string, string> = {
      ...resources,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      REDIS_URL: this.redis.url,
      LOG_LEVEL: 'debug',
      BACKEND_TIMEOUT_MS: '10000',
      SQS_WAIT_SECONDS: '2',
      RATE_LIMIT_POINTS: '10000',
      // Every test client is on loopback (directly or through HAProxy): one address, far past the per-address limits
      // that abuse.test.ts covers.
      ABUSE_EXEMPT_ADDRESSES: '127.0.0.1,::1',
      DATA_DIR: this.dir,
      ...opts.env,
    };
    const count = opts.servers ?? 2;
    for (let i = 0; i < count; i++) {
      const name = String.fromCharCode(97 + i);
      this.servers.push(new ServerProcess(name, await freePort(), env, path.join(this.dir, `server-${name}.log`), opts.entry));
    }
    await Promise.all(this.servers.map((s) => s.start()));
    this.lb = await startHaproxy(
      this.servers.map((s) => s.port),
      { logFile: path.join(this.dir, 'haproxy.log') },
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.stop()));
    await this.lb?.stop();
    await this.redis?.stop();
    await this.moto?.stop();
    if (!process.env['KEEP_CLUSTER_LOGS']) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
