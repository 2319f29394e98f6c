import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { ChatMetrics } from '../../metrics';
import type { AddressLimits } from '../abuse-limits';
import { clientAddress } from '../client-address';
import type { ChatSocket, SocketConcern } from './socket-server';

/**
 * Sockets per client address, and new sockets per address per minute: refused at the handshake, with a reason the
 * client sees in connect_error. A slot belongs to the engine connection, not to the Socket.IO socket: it is given
 * back when the connection closes, whatever ended it (a later handshake check refusing the socket never emits
 * `disconnect`). A recovered session skips the handshake checks, so it is counted here as it connects, and
 * dropped if its address is over the cap.
 */
export function admission(deps: { config: Config; log: Logger; limits: AddressLimits; metrics: ChatMetrics }): SocketConcern {
  const { config, log, limits, metrics } = deps;
  // Engine connections that hold a slot: one each, however many handshakes they send.
  const holding = new WeakSet<object>();

  /** Take a slot for the socket's connection; the reason it may not have one otherwise. */
  const takeSlot = async (socket: ChatSocket): Promise<string | undefined> => {
    const conn = socket.conn;
    if (holding.has(conn)) return undefined;
    const address = clientAddress(socket.request, config);
    const rate = await limits.connection(address);
    if (!rate.ok)
      return `at most ${config.abuse.connectionsPerMinute} new connections per minute per address; retry in ${rate.retryInSeconds} s`;
    // Closed while the limiter answered: a 'close' listener added now would never run.
    if (conn.readyState === 'closed' || conn.readyState === 'closing') return 'connection closed';
    const admitted = limits.admitSocket(address);
    if (!admitted.ok) return admitted.reason;
    holding.add(conn);
    conn.once('close', admitted.release);
    return undefined;
  };

  return {
    admit: (socket, next) => {
      takeSlot(socket).then(
        (refusal) => {
          if (refusal === undefined) return next();
          metrics.socketsRefused.inc();
          const err = new Error(refusal) as Error & { data?: unknown };
          err.data = { code: 'rate_limited', message: refusal };
          next(err);
        },
        (err: Error) => next(err),
      );
    },
    connected: (socket) => {
      if (socket.recovered) {
        takeSlot(socket).then(
          (refusal) => {
            if (refusal === undefined) return;
            metrics.socketsRefused.inc();
            log.info({ socket: socket.id, refusal }, 'recovered session refused');
            socket.disconnect(true);
          },
          (err: Error) => log.warn({ err, socket: socket.id }, 'admission of a recovered session failed'),
        );
      }
      socket.on('disconnect', (reason) => {
        log.debug({ socket: socket.id, reason }, 'socket disconnected');
      });
    },
  };
}
