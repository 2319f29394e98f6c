/**
 * The system a chaos run faults, all on loopback: chat servers (the built app/server/dist/main.js, each its own
 * process on a port it keeps across restarts) behind HAProxy; with moto, one SQS queue and DynamoDB table for all,
 * and Redis between them, each server reaching Redis through its own TCP proxy so it alone can be cut off.
 * Embedded: one server over its SQLite file under the run's directory, kept across restarts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ChatProcess,
  freePort,
  startHaproxy,
  startRedis,
  startTcpProxy,
  type LoadBalancer,
  type Redis,
  type TcpProxy,
} from '@chat/local-aws';
import { startMotoBackend, type MotoBackend } from '../moto';
import type { Schedule } from './schedule';

export interface Rig {
  /** HAProxy: where the clients connect */
  url: string;
  servers: ChatProcess[];
  /** moto backend only */
  moto?: MotoBackend;
  redis?: Redis;
  /** per server, in front of Redis */
  proxies: TcpProxy[];
  lb: LoadBalancer;
  stop(): Promise<void>;
}

/** Settings every server gets besides its backend's. */
const COMMON_ENV = {
  // One line per stored message ('message delivered'): which server stored what, for reading a failure.
  LOG_LEVEL: 'debug',
  // Every client is on loopback, one address far past the per-address limits; per-socket limits still apply.
  ABUSE_EXEMPT_ADDRESSES: '127.0.0.1,::1',
};

const UP_TIMEOUT_MS = 60_000;

export async function startRig(schedule: Schedule, dir: string): Promise<Rig> {
  const parts: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    for (const p of parts.reverse()) await p.stop().catch(() => undefined);
  };
  try {
    let env: Record<string, string>;
    let moto: MotoBackend | undefined;
    let redis: Redis | undefined;
    const proxies: TcpProxy[] = [];
    if (schedule.backend === 'moto') {
      moto = await startMotoBackend(join(dir, 'moto.log'));
      parts.push(moto);
      redis = await startRedis({ logFile: join(dir, 'redis.log') });
      parts.push(redis);
      for (let i = 0; i < schedule.servers; i++) {
        const proxy = await startTcpProxy(redis.port);
        parts.push(proxy);
        proxies.push(proxy);
      }
      env = { ...moto.env, ...COMMON_ENV };
    } else {
      env = { ...COMMON_ENV, DATA_DIR: join(dir, 'data') };
      mkdirSync(env['DATA_DIR']!, { recursive: true });
    }
    const servers: ChatProcess[] = [];
    for (let i = 0; i < schedule.servers; i++) {
      const name = `s${i + 1}`;
      const own: Record<string, string> = proxies[i] ? { REDIS_URL: `redis://127.0.0.1:${proxies[i]!.port}` } : {};
      servers.push(new ChatProcess(name, await freePort(), { ...env, ...own }, join(dir, `server-${name}.log`)));
    }
    parts.push({ stop: async () => void (await Promise.all(servers.map((s) => s.stop()))) });
    await Promise.all(servers.map((s) => s.start()));
    const lb = await startHaproxy(
      servers.map((s) => s.port),
      { logFile: join(dir, 'haproxy.log') },
    );
    parts.push(lb);
    // Every server up behind the LB before the clients arrive, or round robin would skip one.
    const until = Date.now() + UP_TIMEOUT_MS;
    while (!Object.values(await lb.up()).every(Boolean)) {
      if (Date.now() > until)
        throw new Error(`not every server passed HAProxy's /readyz check within ${UP_TIMEOUT_MS / 1000} s (logs in ${dir})`);
      await new Promise((r) => setTimeout(r, 250));
    }
    return { url: lb.url, servers, ...(moto ? { moto } : {}), ...(redis ? { redis } : {}), proxies, lb, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
