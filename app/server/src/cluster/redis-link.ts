import { Redis } from 'ioredis';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from '../logger';
import { redisLimiters, type Limiters } from '../limits/limiter';
import { withTimeout } from '../util/timeout';

/** How often a lasting Redis outage is logged (every failed reconnect would flood the log). */
const ERROR_LOG_INTERVAL_MS = 10_000;

/** The servers' shared Redis: the Socket.IO adapter's transport, and what the queue gate and /readyz look at. */
export interface RedisLink {
  /** Give to `new Server(…, { adapter })`. */
  adapter: ReturnType<typeof createAdapter>;
  /** Where every per-address and global limit keeps its counters, so the servers enforce one budget. */
  limiters: Limiters;
  /** Connected right now (a send accepted now can reach the other servers). */
  ready(): boolean;
  /** Resolves when connected, after `ms`, or when `signal` aborts, whichever comes first. */
  untilReady(ms: number, signal?: AbortSignal): Promise<void>;
  /** For /readyz: rejects at once while disconnected. */
  ping(): Promise<void>;
  /**
   * Resolves once every command issued before it on the publishing connection (broadcasts, stored notices) has been
   * applied by Redis: commands on one connection run in order. Rejects after `ms`.
   */
  barrier(ms: number): Promise<void>;
  /**
   * Calls `listener` when the link comes back to a Redis that is not the one it left (another run: restarted empty,
   * or a replica promoted). Stream entries this server had not yet read are gone with the old one, though their
   * senders were acked and the queue has deleted them.
   */
  onReplaced(listener: () => void): void;
  close(): Promise<void>;
}

export class RedisDown extends Error {
  override name = 'RedisDown';
}

/**
 * One ioredis connection for publishing (the adapter duplicates it for reading). It reconnects by itself; commands
 * issued while it is away wait in order (`maxRetriesPerRequest: null`) and go out when it is back, so a broadcast
 * made just before an outage is delayed, not dropped. The queue gate keeps new work away meanwhile.
 */
export function connectRedis(url: string, log: Logger): RedisLink {
  const client = new Redis(url, {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    connectTimeout: 5000,
    retryStrategy: (times) => Math.min(100 * times, 2000),
    // The adapter's duplicates inherit these; naming the connection helps `CLIENT LIST` on a shared node.
    connectionName: 'chat-server',
  });
  let lastErrorLog = 0;
  client.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
    lastErrorLog = now;
    log.warn({ err: { name: err.name, message: err.message } }, 'redis connection failed; reconnecting');
  });
  // Which Redis run the link is on: a new run_id after a reconnect means what it held (the stream) is gone.
  let runId: string | undefined;
  const replaced: (() => void)[] = [];
  client.on('ready', () => {
    lastErrorLog = 0;
    log.info('redis connected');
    client.info('server').then(
      (info) => {
        const now = /^run_id:(\w+)/m.exec(info)?.[1];
        if (now === undefined) return;
        const before = runId;
        runId = now;
        if (before === undefined || before === now) return;
        log.warn({ before, now }, 'redis came back as a new run: broadcasts not yet read here are lost');
        for (const listener of replaced) listener();
      },
      (err: unknown) => log.warn({ err }, 'redis run id unreadable'),
    );
  });
  client.on('close', () => log.debug('redis connection closed'));

  const ready = () => client.status === 'ready';
  return {
    adapter: createAdapter(client, { streamName: 'chat', channelPrefix: 'chat' }),
    limiters: redisLimiters(client),
    ready,
    untilReady: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (ready() || signal?.aborted) return resolve();
        const done = () => {
          clearTimeout(timer);
          client.off('ready', done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        client.once('ready', done);
        signal?.addEventListener('abort', done, { once: true });
      }),
    ping: async () => {
      if (!ready()) throw new RedisDown(`redis is ${client.status}`);
      await client.ping();
    },
    barrier: (ms) =>
      withTimeout(
        client.ping().then(() => undefined),
        ms,
        'redis',
      ),
    onReplaced: (listener) => void replaced.push(listener),
    close: async () => {
      await withTimeout(client.quit(), 2000, 'redis quit').catch(() => client.disconnect());
    },
  };
}
