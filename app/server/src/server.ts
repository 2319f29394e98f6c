import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { createBackends } from './backends';
import { instrumentBackends } from './instrumented-backends';
import { ChatMetrics } from './metrics';
import { Acks } from './acks/acks';
import { QueueConsumer } from './consumer/queue-consumer';
import { SendMessage } from './chat/send-message';
import { DeleteMessage } from './chat/delete-message';
import { connectRedis } from './cluster/redis-link';
import { gateQueue } from './cluster/gated-queue';
import type { Backends } from './ports';
import { AddressLimits } from './transport/abuse-limits';
import { createHttpApp } from './transport/http/app';
import { attachSocketHandlers } from './transport/sockets/handlers';
import { SocketRoomEvents } from './transport/sockets/room-events';
import { createSocketServer, socketGauges } from './transport/sockets/socket-server';

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

/**
 * The composition root, in one direction: config → backends → the Socket.IO server and metrics → acks and the room's
 * events → the consumer and the use cases → socket handlers and the HTTP app → one port.
 */
export async function startServer(
  env: Record<string, string | undefined> = process.env,
  log?: Logger,
  opts: StartOptions = {},
): Promise<RunningServer> {
  const config = loadConfig(env);
  const logger = log ?? createLogger(config.logLevel);
  const created = await createBackends(config, logger);
  const raw = opts.ports ? { ...created, ...opts.ports(created) } : created;
  // Scale-out (REDIS_URL): broadcasts, stored notices and recovery sessions go through Redis to every server.
  const redis = config.redisUrl ? connectRedis(config.redisUrl, logger) : undefined;
  const io = createSocketServer(config, redis?.adapter);
  const metrics = new ChatMetrics(socketGauges(io));
  const backends = instrumentBackends(raw, metrics);
  const queue = redis ? gateQueue(backends.queue, redis, config.backendTimeoutMs) : backends.queue;

  const acks = new Acks(backends.store);
  const roomEvents = new SocketRoomEvents(io, { publicUrl: config.publicUrl, metrics, ...(redis ? { acrossServers: acks } : {}) });
  const consumer = new QueueConsumer({ queue, store: backends.store, rows: backends.deletes, acks, events: roomEvents }, logger);
  const send = new SendMessage(queue, backends.uploads, acks, config.backendTimeoutMs, logger);
  const deletes = new DeleteMessage(backends.deletes, backends.uploads, roomEvents, config.backendTimeoutMs, logger);

  // Per-address limits, shared by HTTP and sockets.
  const limits = new AddressLimits(config);
  const sockets = attachSocketHandlers(io, { config, log: logger, send, deletes, limits, metrics });
  const app = createHttpApp({ config, log: logger, backends, deletes, limits, metrics, ...(redis ? { readyChecks: { redis } } : {}) });
  const httpServer = http.createServer(app);
  io.attach(httpServer);
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => resolve());
    });
  } catch (err) {
    sockets.close();
    io.close();
    await redis?.close();
    await backends.close();
    throw err;
  }
  consumer.start();
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
        sockets.close();
        await new Promise<void>((resolve) => {
          io.close(() => resolve());
          httpServer.closeAllConnections();
        });
        await consumer.stop();
        await redis?.close();
        await backends.close();
        logger.info('chat server stopped');
      })()),
  };
}
