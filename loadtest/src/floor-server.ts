/**
 * The calibration floor: the least a Socket.IO chat can do for protocol v1 — take sendMessage, number it per room,
 * ack and broadcast it. No validation beyond what the harness needs, no storage, no queue. Whatever the chat
 * server adds on top of this is its own cost; the machine's cost is measured here.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { DEFAULT_ROOM, formatSeq, SOCKET_PATH } from '@chat/protocol';
import type { ClientToServerEvents, ServerToClientEvents } from '@chat/protocol';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startFloorServer(opts: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const http: HttpServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('floor');
  });
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, { path: SOCKET_PATH, serveClient: false });
  const seqs = new Map<string, number>();

  io.on('connection', (socket) => {
    void socket.join(DEFAULT_ROOM);
    socket.on('join', (room, ack) => {
      if (typeof room !== 'string') return;
      void socket.join(room);
      ack?.({ ok: true, room });
    });
    socket.on('leave', (room, ack) => {
      if (typeof room !== 'string') return;
      void socket.leave(room);
      ack?.({ ok: true, room });
    });
    socket.on('sendMessage', (msg, ack) => {
      if (typeof msg !== 'object' || msg === null || typeof msg.id !== 'string') return;
      const room = msg.room ?? DEFAULT_ROOM;
      const n = (seqs.get(room) ?? 0) + 1;
      seqs.set(room, n);
      const seq = formatSeq(n);
      // Broadcast, then ack, as the chat server does. (Ack first would hold the sender's own copy in engine.io's
      // write buffer until the ack frame is flushed, making the floor's e2e later than its fan-out.)
      io.to(room).emit('newMessage', {
        id: msg.id,
        room,
        author: msg.author,
        text: msg.text,
        sentAt: new Date().toISOString(),
        seq,
      });
      ack?.({ ok: true, id: msg.id, seq });
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        void io.close(() => resolve());
      }),
  };
}
