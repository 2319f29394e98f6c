import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { AwsUsage } from './adapters/aws/aws-usage';
import { createBackends } from './backends';
import { instrumentBackends } from './instrumented-backends';
import { ChatMetrics } from './metrics';
import { Acks } from './acks/acks';
import { QueueConsumer } from './consumer/queue-consumer';
import { SendMessage } from './chat/send-message';
import { DeleteMessage } from './chat/delete-message';
import { EditMessage } from './chat/edit-message';
import { ReactionBroadcast } from './chat/reaction-broadcast';
import { ReactToMessage } from './chat/react-to-message';
import { PushNotifier } from './chat/push-notifier';
import { WebPushSender } from './push/web-push-sender';
import { History } from './chat/history';
import { StoreBudget } from './limits/store-budget';
import { connectRedis } from './cluster/redis-link';
import { gateQueue } from './cluster/gated-queue';
import type { Backends, RoomEvents } from './ports';
import { createAuthenticator, createTokenVerifier, DEFAULT_ROLE_RULES } from './auth';
import { signInOrigins } from './auth/browser-origins';
import { plainImageUrl, SignedImageLinks } from './chat/image-links';
import { PrivateRooms } from './chat/private-rooms';
import { RoomAccess } from './chat/room-access';
import { Signer } from './chat/signer';
import { withTimeout } from './util/timeout';
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
  ports?: (backends: Backends) => Partial<Pick<Backends, 'queue' | 'store' | 'deletes' | 'edits' | 'reactions' | 'push' | 'uploads'>>;
}

/**
 * Signed-in mode's parts: the token check (warmed up, so the first sign-in does not wait for the issuer's keys),
 * the deployment's signing secret for invites and image links, who may use which room, and the origins the page
 * signs in with. An issuer that does not answer yet is logged, not fatal: tokens are refused `unavailable` until it does.
 */
async function signInParts(auth: Extract<Config['auth'], { mode: 'signed-in' }>, backends: Backends, config: Config, log: Logger) {
  const authenticator = createAuthenticator(
    createTokenVerifier({ issuer: auth.issuer, audience: auth.audience, timeoutMs: config.backendTimeoutMs }),
    { ...DEFAULT_ROLE_RULES, claim: auth.rolesClaim },
  );
  const [secret, origins] = await Promise.all([
    withTimeout(backends.memberships.signingSecret(), config.backendTimeoutMs, 'memberships'),
    signInOrigins(auth.issuer, config.backendTimeoutMs),
    authenticator.warmUp().catch((err: Error) => log.warn({ err: err.message, issuer: auth.issuer }, 'issuer not reachable yet')),
  ]);
  if (origins.problem) log.warn({ issuer: auth.issuer, problem: origins.problem }, 'issuer discovery failed: CSP allows its origin only');
  const signer = new Signer(secret);
  return {
    authenticator,
    access: new RoomAccess(backends.memberships, config.backendTimeoutMs),
    rooms: new PrivateRooms(backends.memberships, backends.store, signer, config.backendTimeoutMs),
    imageLinks: new SignedImageLinks(signer),
    origins: origins.origins,
  };
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
  const usage = new AwsUsage();
  const created = await createBackends(config, logger, usage);
  const raw = opts.ports ? { ...created, ...opts.ports(created) } : created;
  // Scale-out (REDIS_URL): broadcasts, stored notices and recovery sessions go through Redis to every server.
  const redis = config.redisUrl ? connectRedis(config.redisUrl, logger) : undefined;
  const io = createSocketServer(config, redis?.adapter);
  const metrics = new ChatMetrics(socketGauges(io), usage);
  const backends = instrumentBackends(raw, metrics);
  const queue = redis ? gateQueue(backends.queue, redis, config.backendTimeoutMs) : backends.queue;

  const signedIn = config.auth.mode === 'signed-in' ? await signInParts(config.auth, backends, config, logger) : undefined;
  const imageUrl = signedIn ? signedIn.imageLinks.url(config.publicUrl) : plainImageUrl(config.publicUrl);

  // Per-address limits, shared by HTTP and sockets, and the table's capacity as a budget: in Redis when scaled out.
  const limits = new AddressLimits(config, redis?.limiters);
  const budget = config.store ? new StoreBudget(config.store, limits.limiters, limits.exempt) : undefined;
  const history = new History(backends.store, backends.reactions, { imageUrl, timeoutMs: config.backendTimeoutMs, budget });

  const acks = new Acks(backends.store);
  const socketEvents = new SocketRoomEvents(io, { imageUrl, metrics, ...(redis ? { acrossServers: acks } : {}) });
  // Web Push (when configured) follows each stored message, on the server that stored it.
  const notifier = config.push
    ? new PushNotifier(
        backends.push,
        new WebPushSender(config.push, config.backendTimeoutMs),
        async (room) => new Set((await io.in(room).fetchSockets()).map((s) => s.data.clientId).filter((c) => c !== undefined)),
        logger,
      )
    : undefined;
  // A stored, deleted or edited message makes the room's cached newest page stale, here and (told through Redis)
  // elsewhere; reaction counts are read with every page, so they need no forgetting.
  const roomEvents: RoomEvents = {
    newMessage: (m) => {
      history.forget(m.room);
      socketEvents.newMessage(m);
      if (notifier) void notifier.messageStored(m);
    },
    messageDeleted: (e) => {
      history.forget(e.room);
      socketEvents.messageDeleted(e);
    },
    messageEdited: (e) => {
      history.forget(e.room);
      socketEvents.messageEdited(e);
    },
    reactions: (e) => socketEvents.reactions(e),
  };
  if (redis) io.on('chat:stored', (room: unknown) => typeof room === 'string' && history.forget(room));
  // Broadcasts this server had not read when Redis lost them can never reach its sockets: their clients reconnect
  // (a transport close, so they do it by themselves), find their session gone, and catch up from history, read
  // afresh: the stored notices that would have made cached pages stale went with Redis too.
  redis?.onReplaced(() => {
    history.forgetAll();
    for (const socket of io.sockets.sockets.values()) socket.conn.close();
  });
  const consumer = new QueueConsumer({ queue, store: backends.store, rows: backends.deletes, acks, events: roomEvents }, logger);
  const send = new SendMessage(queue, backends.uploads, acks, config.backendTimeoutMs, logger, backends.deletes, budget);
  const deletes = new DeleteMessage(backends.deletes, backends.uploads, roomEvents, config.backendTimeoutMs, logger);
  const edits = new EditMessage(backends.deletes, backends.edits, roomEvents, config.backendTimeoutMs, logger, budget);
  const reactionBroadcast = new ReactionBroadcast(backends.reactions, roomEvents, logger);
  const react = new ReactToMessage(
    backends.deletes,
    backends.reactions,
    reactionBroadcast,
    config.reactionEmoji,
    config.backendTimeoutMs,
    logger,
    budget,
  );

  const sockets = attachSocketHandlers(io, {
    config,
    log: logger,
    send,
    deletes,
    edits,
    react,
    push: backends.push,
    limits,
    metrics,
    ...(signedIn ? { signedIn } : {}),
  });
  const app = createHttpApp({
    config,
    log: logger,
    backends,
    deletes,
    history,
    limits,
    metrics,
    ...(signedIn ? { signedIn, signInOrigins: signedIn.origins } : {}),
    ...(redis ? { readyChecks: { redis } } : {}),
  });
  const httpServer = http.createServer(app);
  io.attach(httpServer);
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => resolve());
    });
  } catch (err) {
    sockets.close();
    reactionBroadcast.close();
    await io.close();
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
        reactionBroadcast.close();
        await new Promise<void>((resolve) => {
          void io.close(() => resolve());
          httpServer.closeAllConnections();
        });
        await consumer.stop();
        await redis?.close();
        await backends.close();
        logger.info('chat server stopped');
      })()),
  };
}
