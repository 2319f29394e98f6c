import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { ChatMetrics } from '../../metrics';
import type { AddressLimits } from '../abuse-limits';
import { clientAddress } from '../client-address';
import type { SocketConcern } from './socket-server';

/**
 * Sockets per client address: refused at the handshake, with a reason the client sees in connect_error; a slot is
 * given back when its socket disconnects.
 */
export function admission(deps: { config: Config; log: Logger; limits: AddressLimits; metrics: ChatMetrics }): SocketConcern {
  const { config, log, limits, metrics } = deps;
  return {
    admit: (socket, next) => {
      const admitted = limits.admitSocket(clientAddress(socket.request, config.trustProxy));
      if (!admitted.ok) {
        metrics.socketsRefused.inc();
        const err = new Error(admitted.reason) as Error & { data?: unknown };
        err.data = { code: 'rate_limited', message: admitted.reason };
        return next(err);
      }
      socket.once('disconnect', admitted.release);
      next();
    },
    connected: (socket) => {
      // Recovery skips middlewares: a recovered socket held its slot before, so it takes one back unconditionally.
      if (socket.recovered) socket.once('disconnect', limits.readmitSocket(clientAddress(socket.request, config.trustProxy)));
      socket.on('disconnect', (reason) => {
        log.debug({ socket: socket.id, reason }, 'socket disconnected');
      });
    },
  };
}
