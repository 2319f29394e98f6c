import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ChatProcess,
  createChatResources,
  freePort,
  startHaproxy,
  startMoto,
  startRedis,
  type LoadBalancer,
  type Moto,
  type Redis,
} from '@chat/local-aws';
// Not through ../../src: the servers run as their own processes, and the test needs only the table's shape.
import { chatResourceShape } from '../../src';
import { eventually } from './eventually';

/** A test entry over the built server that SIGKILLs itself right after storing the message CRASH_AFTER_STORING names. */
export const CRASH_AFTER_STORE = path.resolve(__dirname, 'crash-after-store.mts');

/** One chat server as its own process (so SIGKILL is a real crash), on a fixed loopback port it keeps across restarts. */
export type ServerProcess = ChatProcess;

/**
 * Scale-out on loopback, for real: moto (SQS, DynamoDB, S3), Debian's redis-server, two chat servers as child
 * processes on one queue with REDIS_URL, and HAProxy in front of them.
 */
export class Cluster {
  moto!: Moto;
  redis!: Redis;
  lb!: LoadBalancer;
  servers: ServerProcess[] = [];
  /** What every server is started with (queue URL, endpoint, …). */
  env: Record<string, string> = {};
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
    this.env = env;
    const count = opts.servers ?? 2;
    for (let i = 0; i < count; i++) {
      const name = String.fromCharCode(97 + i);
      this.servers.push(new ChatProcess(name, await freePort(), env, path.join(this.dir, `server-${name}.log`), opts.entry));
    }
    await Promise.all(this.servers.map((s) => s.start()));
    this.lb = await startHaproxy(
      this.servers.map((s) => s.port),
      { logFile: path.join(this.dir, 'haproxy.log') },
    );
  }

  /** Resolves once the load balancer's health checks see every server up. */
  async untilAllUp(): Promise<void> {
    await eventually(
      async () => Object.values(await this.lb.up()).every(Boolean),
      60_000,
      'every server up behind the LB',
      async () => JSON.stringify(await this.lb.up()),
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
