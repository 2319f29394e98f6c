import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { SOCKET_PATH } from '@chat/protocol';
import { loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { createBackends, sequencerOptions } from './backends';
import { Sequencer } from './chat/sequencer';
import { SendMessage } from './chat/send-message';
import { DeleteMessage } from './chat/delete-message';
import { toWire } from './chat/wire';
import { createHttpApp } from './transport/http';
import { hostAllowed } from './transport/loopback-host';
import { originAllowed } from './transport/origin';
import { attachSocketHandlers, type ChatServer } from './transport/socket';
import { connectRedis } from './cluster/redis-link';
import { gateQueue } from './cluster/gated-queue';
import { relayStored } from './cluster/stored-relay';
import type { Backends } from './ports';
import { ChatMetrics } from './metrics';
import { instrumentBackends } from './instrumented-backends';
import { AddressLimits } from './transport/abuse-limits';
import { attachTeamChatHandlers } from './transport/team-socket';

/** Socket.IO frames above this are protocol abuse (a message is at most a few KB): the socket is dropped. */
const MAX_FRAME_BYTES = 64 * 1024;

export interface RunningServer {
  url: string;
  port: number;
  config: Config;
  log: Logger;
  close(): Promise<void>;
}

export interface StartOptions {
  /**
   * Ports to use instead of the configured ones, made from them: how a test injects a fault at a port (a crash right
   * after a store). Code only, never a setting: `main` passes none.
   */
  ports?: (backends: Backends) => Partial<Pick<Backends, 'queue' | 'store' | 'deletes' | 'uploads'>>;
}

/** Wire config → backends → sequencer → HTTP and Socket.IO on one port. */
export async function startServer(
  env: Record<string, string | undefined> = process.env,
  log?: Logger,
  opts: StartOptions = {},
): Promise<RunningServer> {
  const config = loadConfig(env);
  const logger = log ?? createLogger(config.logLevel);
  const created = await createBackends(config, logger);
  const raw = opts.ports ? { ...created, ...opts.ports(created) } : created;
  // Operations (issue 13): metrics at the ports' edge, per-address limits shared by HTTP and sockets.
  const live: { io?: ChatServer } = {};
  const metrics = new ChatMetrics({
    sockets: () => live.io?.of('/').sockets.size ?? 0,
    // Socket.IO keeps a room per socket id as well; only the chat's rooms count.
    rooms: () => {
      const nsp = live.io?.of('/');
      return nsp ? [...nsp.adapter.rooms.keys()].filter((r) => !nsp.sockets.has(r)).length : 0;
    },
  });
  const backends = instrumentBackends(raw, metrics);
  const limits = new AddressLimits(config);

  // Scale-out (REDIS_URL): broadcasts, stored notices and recovery sessions go through Redis to every server.
  const redis = config.redisUrl ? connectRedis(config.redisUrl, logger) : undefined;
  const queue = redis ? gateQueue(backends.queue, redis, config.backendTimeoutMs) : backends.queue;

  // Deletes are broadcast through `io`, which needs the HTTP server the app runs in: bound late.
  const deletes = new DeleteMessage(
    backends.deletes,
    backends.uploads,
    (d) => io.to(d.room).emit('messageDeleted', d),
    config.backendTimeoutMs,
    logger,
  );
  const app = createHttpApp(config, backends, logger, { deletes, limits, metrics, ...(redis ? { readyChecks: { redis } } : {}) });
  const httpServer = http.createServer(app);
  const io: ChatServer = new Server(httpServer, {
    path: SOCKET_PATH,
    maxHttpBufferSize: MAX_FRAME_BYTES,
    cors: config.corsOrigins.length > 0 ? { origin: config.corsOrigins } : undefined,
    allowRequest: (req, callback) => callback(null, hostAllowed(config.host, req) && originAllowed(req, config.corsOrigins)),
    // Every broadcast is buffered this long for recovery, so keep it short; a client away longer catches up from history.
    connectionStateRecovery: { maxDisconnectionDuration: 30 * 1000, skipMiddlewares: true },
    ...(redis ? { adapter: redis.adapter } : {}),
  });

  live.io = io;

  let storedElsewhere: ((m: { room: string; id: string; seq: string }) => void) | undefined;
  const sequencer = new Sequencer(
    queue,
    backends.store,
    backends.deletes,
    (m) => {
      io.to(m.room).emit('newMessage', toWire(m, config.publicUrl));
      metrics.broadcast.inc();
      storedElsewhere?.(m);
    },
    logger,
    sequencerOptions(backends),
  );
  if (redis) storedElsewhere = relayStored(io as unknown as Server, (room, id, seq) => sequencer.settle(room, id, seq));
  attachSocketHandlers(io, new SendMessage(queue, backends.uploads, sequencer, config.backendTimeoutMs, logger), config, logger, {
    limits,
    metrics,
  });
  const teamChat = attachTeamChatHandlers(io, deletes, logger);
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => resolve());
    });
  } catch (err) {
    io.close();
    await redis?.close();
    await backends.close();
    throw err;
  }
  sequencer.start();
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, mode: backends.mode, scaledOut: !!redis }, 'chat server listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    config,
    log: logger,
    close: () =>
      (closing ??= (async () => {
        // Stop taking work first, then let the consumer finish its batch, then release the backends.
        teamChat.close();
        await new Promise<void>((resolve) => {
          io.close(() => resolve());
          httpServer.closeAllConnections();
        });
        await sequencer.stop();
        await redis?.close();
        await backends.close();
        logger.info('chat server stopped');
      })()),
  };
}
