/**
 * `--servers N`: N chat servers (child processes, aws mode on one moto) behind HAProxy with a Redis between them,
 * all on loopback: the scale-out layout of CHAT_INSTANCES=N, measured on one machine.
 */
import { join } from 'node:path';
import { freePort, startHaproxy, startRedis, type LoadBalancer, type Redis } from '@chat/local-aws';
import { startChildServer, type ChildServer } from './servers';

export interface ServedBy {
  /** servers started */
  count: number;
  /** servers that took at least one connection from the load balancer */
  served: number;
  /** connections each took, from HAProxy's statistics */
  sessions: Record<string, number>;
}

export interface ScaledOut {
  url: string;
  /** Stops every server, the LB and Redis; resolves to the servers' CPU time together (ms), when they told. */
  stop(): Promise<number | undefined>;
  servedBy(): Promise<ServedBy>;
}

/** A Redis on loopback for one run (servers given its REDIS_URL), stopped with it. */
export async function withRedis(dir: string, label: string): Promise<Redis> {
  return startRedis({ logFile: join(dir, `${label}.redis.log`) });
}

export async function startScaledOut(
  count: number,
  env: Record<string, string | undefined>,
  dir: string,
  label: string,
): Promise<ScaledOut> {
  const redis = await withRedis(dir, label);
  const servers: ChildServer[] = [];
  let lb: LoadBalancer | undefined;
  const stop = async () => {
    const cpu = await Promise.all(servers.map((s) => s.stop()));
    await lb?.stop();
    await redis.stop();
    return cpu.every((c) => c !== undefined) ? cpu.reduce((a, b) => a + b, 0) : undefined;
  };
  try {
    const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
    for (const [i, port] of ports.entries()) {
      servers.push(
        await startChildServer('chat', { ...env, REDIS_URL: redis.url, PORT: String(port) }, join(dir, `${label}.server-${i + 1}.log`)),
      );
    }
    lb = await startHaproxy(ports, { logFile: join(dir, `${label}.haproxy.log`) });
    const balancer = lb;
    // Every server up behind the LB before the clients arrive, or round robin would skip one.
    const until = Date.now() + 30_000;
    while (!Object.values(await balancer.up()).every(Boolean)) {
      if (Date.now() > until) throw new Error(`not every server passed HAProxy's /readyz check (logs in ${dir})`);
      await new Promise((r) => setTimeout(r, 250));
    }
    return {
      url: balancer.url,
      stop,
      servedBy: async () => {
        const sessions = await balancer.sessions();
        return { count, served: Object.values(sessions).filter((n) => n > 0).length, sessions };
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
