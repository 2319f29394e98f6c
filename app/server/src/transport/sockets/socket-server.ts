import { Server, type ExtendedError, type ServerOptions, type Socket } from 'socket.io';
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from '@chat/protocol';
import type { Config } from '../../config';
import { hostAllowed } from '../loopback-host';
import { throughFrontDoor } from '../front-door';
import { originAllowed } from '../origin';
import type { SocketData } from './identity';

/** What the servers of a scale-out tell each other, through the adapter's Redis. */
export interface ServerSideEvents {
  /** A server stored this message: the server where its sender waits answers the ack. */
  'chat:stored': (room: string, id: string, seq: string) => void;
}

export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;

/**
 * The Socket.IO server, not yet attached to an HTTP server (`io.attach`): the chat's wiring needs it before the HTTP
 * app exists. `adapter`: the Redis streams adapter when several servers share the rooms.
 */
export function createSocketServer(config: Config, adapter?: ServerOptions['adapter']): ChatServer {
  return new Server({
    path: SOCKET_PATH,
    // A larger frame is protocol abuse (a message is at most a few KB): the socket is dropped.
    maxHttpBufferSize: config.abuse.maxFrameBytes,
    cors: config.corsOrigins.length > 0 ? { origin: config.corsOrigins } : undefined,
    // Asked for every handshake (never for the requests of a session already open); a refusal is a 403.
    allowRequest: (req, callback) =>
      callback(null, throughFrontDoor(req, config) && hostAllowed(config.host, req) && originAllowed(req, config.corsOrigins)),
    // Every broadcast is buffered this long for recovery, so keep it short; a client away longer catches up from history.
    // Signed in, none: a recovered session would skip the token check and get back rooms (and the messages missed
    // in them) that its person was removed from meanwhile; a reconnect catches up from history instead.
    ...(config.auth.mode === 'open' ? { connectionStateRecovery: { maxDisconnectionDuration: 30 * 1000, skipMiddlewares: true } } : {}),
    ...(adapter ? { adapter } : {}),
  });
}

/** The metrics' gauges of this server's sockets and chat rooms. */
export function socketGauges(io: ChatServer): { sockets: () => number; rooms: () => number } {
  const nsp = io.of('/');
  return {
    sockets: () => nsp.sockets.size,
    // Socket.IO keeps a room per socket id as well; only the chat's rooms count.
    rooms: () => [...nsp.adapter.rooms.keys()].filter((r) => !nsp.sockets.has(r)).length,
  };
}

/**
 * One concern of the socket half of the protocol (messages, rooms, presence, typing, deletes, …): its handshake check,
 * its handlers on each connected socket, and what it must stop when the server closes.
 */
export interface SocketConcern {
  /** Handshake middleware: admit the socket, or refuse it with an error the client sees in connect_error. */
  admit?: (socket: ChatSocket, next: (err?: ExtendedError) => void) => void;
  /** A socket connected (new, or a recovered session): register the concern's handlers on it. */
  connected?: (socket: ChatSocket) => void;
  close?: () => void;
}
